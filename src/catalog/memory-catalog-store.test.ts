// The in-memory catalog store behaves like the SQLite one.
import { runCatalogStoreContract } from './catalog-store.contract.js';
import { createMemoryCatalogStore } from './memory-catalog-store.js';

runCatalogStoreContract('memory', () => ({ store: createMemoryCatalogStore(), done: () => {} }));

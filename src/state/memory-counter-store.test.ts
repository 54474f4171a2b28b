// Runs the shared counter-store contract against the in-process store.
import { createMemoryCounterStore } from './memory-counter-store.js';
import { runCounterStoreContract } from './counter-store.contract.js';

runCounterStoreContract('memory', (clock) => createMemoryCounterStore({ clock }));

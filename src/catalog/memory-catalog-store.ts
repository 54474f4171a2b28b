// The catalog in memory: for tests and for a gateway run without a data directory.
import type { CatalogEntry, CatalogStore } from './catalog-store.js';
import { acceptedEntry, reconcileListing } from './reconcile-listing.js';

export function createMemoryCatalogStore(): CatalogStore {
  const servers = new Map<string, Map<string, CatalogEntry>>();
  const listed = new Set<string>();
  const tools = (server: string): Map<string, CatalogEntry> => {
    let map = servers.get(server);
    if (!map) servers.set(server, (map = new Map()));
    return map;
  };
  return {
    record(server, observed, now) {
      const existing = tools(server);
      const { entries, changes } = reconcileListing(server, existing, observed, listed.has(server), now);
      for (const entry of entries) existing.set(entry.name, entry);
      listed.add(server);
      return changes;
    },
    list(server) {
      const names = server === undefined ? [...servers.keys()].sort() : [server];
      return names.flatMap((name) => [...(servers.get(name)?.values() ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
    },
    get: (server, name) => servers.get(server)?.get(name),
    accept(server, name, now) {
      const entry = servers.get(server)?.get(name);
      if (!entry) return undefined;
      const accepted = acceptedEntry(entry, now);
      tools(server).set(name, accepted);
      return accepted;
    },
  };
}

// Gives each server runtime its catalog gate: one catalog service and one refresher for the whole
// gateway (or `toolgate wrap`'s single server). The caller starts the first listings and closes it.
import type { AuditSink } from '../audit/audit-sink.js';
import { createCatalogService, type CatalogService } from '../catalog/catalog-service.js';
import type { CatalogStore } from '../catalog/catalog-store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { createCatalogGate } from './catalog-gate.js';
import { createCatalogRefresher, type CatalogRefresher } from './catalog-refresh.js';
import type { ServerRuntime } from './server-runtime.js';

export interface AttachedCatalog {
  catalog: CatalogService;
  refresher: CatalogRefresher;
}

export interface AttachCatalogOptions {
  store: CatalogStore;
  audit: AuditSink;
  clock: Clock;
  logger: Logger;
  /** false: never open a connection of its own to list tools, only record the listings sessions
   *  receive (`toolgate wrap`: a second copy of a desktop client's server is not wanted). */
  listOnItsOwn?: boolean;
}

export function attachCatalog(runtimes: ReadonlyMap<string, ServerRuntime>, options: AttachCatalogOptions): AttachedCatalog {
  const { logger } = options;
  const catalog = createCatalogService({
    store: options.store,
    clock: options.clock,
    logger,
    audit: options.audit,
    driftPolicy: (server) => runtimes.get(server)?.policy.policy,
  });
  const refresher = createCatalogRefresher(runtimes, catalog, logger, options.listOnItsOwn ?? true);
  for (const runtime of runtimes.values()) {
    runtime.catalog = createCatalogGate({ server: runtime.name, policy: runtime.policy, catalog, refresher, logger });
  }
  return { catalog, refresher };
}

/** How often held tools are re-read, so an accept made elsewhere reaches clients without a call. */
export const HOLD_CHECK_MS = 1_000;

/** Calls `onReleased` with the servers whose held tools an operator accepted; stop with clearInterval. */
export function watchReleasedHolds(catalog: CatalogService, logger: Logger, onReleased: (servers: string[]) => void): NodeJS.Timeout {
  const timer = setInterval(() => {
    try {
      const servers = catalog.releasedHolds();
      if (servers.length > 0) onReleased(servers);
    } catch (error) {
      logger.warn({ err: error }, 'catalog: cannot re-read held tools');
    }
  }, HOLD_CHECK_MS);
  timer.unref();
  return timer;
}

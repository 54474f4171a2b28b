// Assembles the gateway: one runtime per configured server, the HTTP transport in front, the
// policy watcher, and an orderly stop that loses no audit event.
import type { ApprovalHook } from '../approvals/approval-hook.js';
import type { AuditSink } from '../audit/audit-sink.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { CatalogStore } from '../catalog/catalog-store.js';
import { createMemoryCatalogStore } from '../catalog/memory-catalog-store.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { GrantStore } from '../grants/grant-store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { createPolicyEngine } from '../policy/engine.js';
import type { CounterStore } from '../state/counter-store.js';
import { createMcpHttpServer } from '../transport/http/mcp-http-server.js';
import type { PipelineDeps } from './call-pipeline.js';
import { attachCatalog, watchReleasedHolds } from './attach-catalog.js';
import { createGatewayHttpHandler } from './http-handler.js';
import { describeIssues, loadServerPolicy } from './load-server-policy.js';
import { createPolicyHolder } from './policy-holder.js';
import { watchPolicies, type ReloadEvent } from './policy-reloader.js';
import { createServerRuntime, type ServerRuntime } from './server-runtime.js';

export interface GatewayOptions {
  config: GatewayConfig;
  counters: CounterStore;
  audit: AuditSink;
  /** Undefined when the config says `auth: none`. */
  grants: GrantStore | undefined;
  approvals: ApprovalHook;
  clock: Clock;
  logger: Logger;
  onReload?: (event: ReloadEvent) => void;
  /** Where the tool catalog is kept; absent: in memory (classes and drift holds last one run). */
  catalog?: CatalogStore;
  /** How long a stop waits for calls in flight before ending them. */
  stopGraceMs?: number;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly runtimes: ReadonlyMap<string, ServerRuntime>;
  /** Every tool of every server, refreshed at start and when a server says its tools changed. */
  readonly catalog: CatalogService;
  /** Lists a server's tools into the catalog now. */
  refreshCatalog(server: string): Promise<void>;
  reloadPolicy(server: string): Promise<ReloadEvent | undefined>;
  /** Stops accepting, lets calls in flight finish (up to the grace time), ends sessions, flushes audit. */
  stop(): Promise<void>;
}

export class GatewayStartError extends Error {
  override readonly name = 'GatewayStartError';
}

export async function startGateway(options: GatewayOptions, listen = options.config.listen): Promise<RunningGateway> {
  const { config, logger } = options;
  const runtimes = new Map<string, ServerRuntime>();
  const problems: string[] = [];
  for (const server of Object.values(config.servers)) {
    const loaded = await loadServerPolicy(server.policy);
    if (loaded.kind === 'invalid') {
      problems.push(`server "${server.name}": invalid policy ${loaded.source}: ${describeIssues(loaded.errors)}`);
      continue;
    }
    for (const warning of loaded.warnings) logger.warn({ server: server.name, path: warning.path }, warning.message);
    runtimes.set(server.name, createServerRuntime(server, createPolicyHolder(server.name, loaded.policy, createPolicyEngine), logger));
  }
  if (problems.length > 0) throw new GatewayStartError(problems.join('\n'));

  const { catalog, refresher } = attachCatalog(runtimes, { store: options.catalog ?? createMemoryCatalogStore(), audit: options.audit, clock: options.clock, logger });

  const inflight = new Set<Promise<unknown>>();
  const deps: PipelineDeps = { counters: options.counters, audit: options.audit, approvals: options.approvals, clock: options.clock, logger, inflight, failMode: config.failMode };
  const handler = createGatewayHttpHandler({ runtimes, grants: options.grants, deps, logger });
  const http = createMcpHttpServer({ handler, origins: { allowedOrigins: config.allowedOrigins, listenHost: listen.host }, ...config.http, logger });
  const toldToRelist = (server: string): void => {
    for (const session of handler.sessions.values()) {
      if (runtimes.get(server)?.sessionIds.has(session.id)) session.notify({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    }
  };
  const reloader = watchPolicies(runtimes, logger, (event) => {
    if (event.kind === 'reloaded' && event.hiddenChanged) toldToRelist(event.server);
    options.onReload?.(event);
  });
  // An operator's `toolgate catalog accept` (another process) shows a held tool again: tell clients.
  const holdWatch = watchReleasedHolds(catalog, logger, (servers) => servers.forEach(toldToRelist));

  let address;
  try {
    address = await http.listen(listen.host, listen.port);
  } catch (error) {
    reloader.close();
    clearInterval(holdWatch);
    await refresher.close();
    await handler.closeAll('gateway failed to start');
    await Promise.allSettled([...runtimes.values()].map((runtime) => runtime.close()));
    throw new GatewayStartError(`cannot listen on ${listen.host}:${listen.port}: ${(error as Error).message}`);
  }
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  // In the background: a slow or broken server must not hold up the gateway's start.
  for (const name of runtimes.keys()) void refresher.refresh(name);
  let stopping: Promise<void> | undefined;

  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    runtimes,
    catalog,
    refreshCatalog: (server) => refresher.refresh(server),
    reloadPolicy: (server) => reloader.reload(server),
    stop: () => {
      stopping ??= (async () => {
        handler.beginStop();
        reloader.close();
        clearInterval(holdWatch);
        await refresher.close();
        const closed = http.close();
        const grace = new Promise((resolve) => setTimeout(resolve, options.stopGraceMs ?? 5_000).unref());
        await Promise.race([Promise.allSettled([...inflight]), grace]);
        await handler.closeAll('gateway stopping');
        await Promise.allSettled([...runtimes.values()].map((runtime) => runtime.close()));
        await Promise.allSettled([...inflight]);
        http.destroyConnections();
        await closed;
        await options.audit.close();
        await options.counters.close();
      })();
      return stopping;
    },
  };
}

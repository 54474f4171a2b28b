// Starts a real gateway in this process (on a free loopback port, with real SQLite or memory
// stores) and connects real SDK clients to it. The gateway's upstreams are real MCP servers.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notConfiguredApprovals, type ApprovalHook } from '../../src/approvals/approval-hook.js';
import { createMemoryAuditSink } from '../../src/audit/memory-audit-sink.js';
import type { AuditEvent, AuditSink } from '../../src/audit/audit-sink.js';
import { createSqliteAuditSink } from '../../src/audit/sqlite-audit-sink.js';
import type { CatalogStore } from '../../src/catalog/catalog-store.js';
import { createMemoryCatalogStore } from '../../src/catalog/memory-catalog-store.js';
import { createSqliteCatalogStore } from '../../src/catalog/sqlite-catalog-store.js';
import { parseConfig } from '../../src/config/load-config.js';
import { startGateway, type RunningGateway } from '../../src/gateway/gateway.js';
import type { ReloadEvent } from '../../src/gateway/policy-reloader.js';
import { createSqliteGrantStore, type SqliteGrantStore } from '../../src/grants/sqlite-grant-store.js';
import { systemClock, type Clock } from '../../src/lib/clock.js';
import { createLogger, silentLogger } from '../../src/lib/logger.js';
import { openDatabase, type SqliteDatabase } from '../../src/lib/sqlite.js';
import type { CounterStore } from '../../src/state/counter-store.js';
import { createMemoryCounterStore } from '../../src/state/memory-counter-store.js';
import { createSqliteCounterStore } from '../../src/state/sqlite-counter-store.js';

export interface TestGatewayOptions {
  /** The `servers:` section of a config, as an object (policy paths absolute or inline objects). */
  servers: Record<string, unknown>;
  auth?: 'grants' | 'none';
  /** `memory` keeps counters and audit in memory; `sqlite` uses a fresh data directory. */
  store?: 'memory' | 'sqlite';
  dataDir?: string;
  clock?: Clock;
  /** A hook, or a factory given the gateway's database, audit sink and grants (e.g. for an approval queue). */
  approvals?: ApprovalHook | ((deps: ApprovalDeps) => ApprovalHook);
}

export interface ApprovalDeps {
  db: SqliteDatabase;
  audit: AuditSink;
  clock: Clock;
  grants: SqliteGrantStore | undefined;
}

export interface TestGateway {
  readonly gateway: RunningGateway;
  readonly url: string;
  readonly dataDir: string;
  readonly grants: SqliteGrantStore | undefined;
  readonly counters: CounterStore;
  readonly reloads: ReloadEvent[];
  /** Every audit event written so far (flushed first). */
  auditEvents(): Promise<AuditEvent[]>;
  /** A token for a new grant reaching `servers`. */
  token(servers: string[], name?: string): string;
  connect(server: string, token?: string, clientName?: string): Promise<Client>;
  stop(): Promise<void>;
}

export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'toolgate-test-'));
  const ownsDir = options.dataDir === undefined;
  const clock = options.clock ?? systemClock;
  const auth = options.auth ?? 'grants';
  const config = parseConfig({ listen: '127.0.0.1:0', dataDir, auth, servers: options.servers }, { baseDir: dataDir });
  let db: SqliteDatabase | undefined;
  let counters: CounterStore;
  let audit: AuditSink;
  let readAudit: () => AuditEvent[];
  let catalog: CatalogStore;
  if ((options.store ?? 'sqlite') === 'sqlite') {
    db = openDatabase(dataDir);
    counters = createSqliteCounterStore({ db, clock });
    catalog = createSqliteCatalogStore({ db });
    const sink = createSqliteAuditSink({ db, flushIntervalMs: 10 });
    audit = sink;
    readAudit = () => sink.query({ limit: 1_000_000 }).reverse();
  } else {
    counters = createMemoryCounterStore({ clock });
    catalog = createMemoryCatalogStore();
    const sink = createMemoryAuditSink();
    audit = sink;
    readAudit = () => sink.query({ limit: 1_000_000 }).reverse();
  }
  const grantDb = db ?? openDatabase(dataDir);
  const grants = auth === 'grants' ? createSqliteGrantStore({ db: grantDb, clock }) : undefined;
  const reloads: ReloadEvent[] = [];
  const gateway = await startGateway({
    config,
    counters,
    audit,
    grants,
    approvals: typeof options.approvals === 'function' ? options.approvals({ db: grantDb, audit, clock, grants }) : (options.approvals ?? notConfiguredApprovals),
    clock,
    logger: process.env.TOOLGATE_TEST_LOG ? createLogger('debug') : silentLogger,
    onReload: (event) => reloads.push(event),
    catalog,
    stopGraceMs: 2_000,
  });
  const clients: Client[] = [];
  let stopped = false;
  return {
    gateway,
    url: gateway.url,
    dataDir,
    grants,
    counters,
    reloads,
    auditEvents: async () => {
      await audit.flush();
      return readAudit();
    },
    token: (servers, name) => {
      if (!grants) throw new Error('this gateway runs with auth: none');
      return grants.create({ name: name ?? `agent-${Math.random().toString(36).slice(2)}`, servers }).token;
    },
    connect: async (server, token, clientName = 'toolgate-test') => {
      const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp/${server}`), {
        requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
      });
      const client = new Client({ name: clientName, version: '1.0.0' });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await Promise.allSettled(clients.map((client) => client.close()));
      await gateway.stop();
      if (db) db.close();
      else grantDb.close();
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

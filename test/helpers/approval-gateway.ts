// A real gateway with the real approval queue (SQLite, in the harness's data directory) and,
// optionally, the admin API on a free port: for the approval integration tests.
import { startAdminServer, type RunningAdminServer } from '../../src/admin/admin-server.js';
import { createApprovalQueue, type ApprovalQueue } from '../../src/approvals/approval-queue.js';
import { createApprovalWebhook, type ApprovalWebhook } from '../../src/approvals/approval-webhook.js';
import { createSqliteApprovalStore } from '../../src/approvals/sqlite-approval-store.js';
import type { Clock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { startTestGateway, type TestGateway } from './gateway-harness.js';

export interface ApprovalGatewayOptions {
  servers: Record<string, unknown>;
  holdMs: number;
  dataDir?: string;
  clock?: Clock;
  progressIntervalMs?: number;
  /** Serve the admin API with this token. */
  adminToken?: string;
  webhook?: { url: string; secret?: string };
}

export interface AdminAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface ApprovalGateway extends TestGateway {
  readonly queue: ApprovalQueue;
  readonly webhook: ApprovalWebhook | undefined;
  readonly adminUrl: string | undefined;
  /** One admin API request; `token: null` sends no Authorization header. */
  admin(method: 'GET' | 'POST', path: string, body?: unknown, token?: string | null): Promise<AdminAnswer>;
}

export async function startApprovalGateway(options: ApprovalGatewayOptions): Promise<ApprovalGateway> {
  let queue: ApprovalQueue | undefined;
  const webhook = options.webhook
    ? createApprovalWebhook({ url: options.webhook.url, ...(options.webhook.secret ? { secret: options.webhook.secret } : {}), logger: silentLogger })
    : undefined;
  const gateway = await startTestGateway({
    servers: options.servers,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    approvals: ({ db, audit, clock, grants }) =>
      (queue = createApprovalQueue({
        store: createSqliteApprovalStore({ db, clock }),
        audit,
        clock,
        logger: silentLogger,
        holdMs: options.holdMs,
        ...(options.progressIntervalMs !== undefined ? { progressIntervalMs: options.progressIntervalMs } : {}),
        ...(webhook ? { webhook } : {}),
        ...(grants ? { grantName: (id: string) => grants.list().find((grant) => grant.id === id)?.name } : {}),
      })),
  });
  const approvals = queue!;
  let admin: RunningAdminServer | undefined;
  if (options.adminToken) admin = await startAdminServer({ token: options.adminToken, approvals, logger: silentLogger }, { host: '127.0.0.1', port: 0 });

  return {
    ...gateway,
    // Getters on the harness object are plain values; keep methods bound to it.
    gateway: gateway.gateway,
    url: gateway.url,
    auditEvents: () => gateway.auditEvents(),
    token: (servers, name) => gateway.token(servers, name),
    connect: (server, token, clientName) => gateway.connect(server, token, clientName),
    queue: approvals,
    webhook,
    adminUrl: admin?.url,
    admin: async (method, path, body, token = options.adminToken) => {
      if (!admin) throw new Error('this gateway runs without the admin API');
      const headers: Record<string, string> = {};
      if (token !== null && token !== undefined) headers['Authorization'] = `Bearer ${token}`;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const response = await fetch(`${admin.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    stop: async () => {
      approvals.close();
      await admin?.close();
      await webhook?.idle();
      await gateway.stop();
    },
  };
}

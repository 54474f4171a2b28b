// Approvals in the shared SQLite file, so the CLI (another process) can decide and a restarted
// gateway still knows what is pending. Expiry is computed on read; writes are compare-and-set.
import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';
import { randomId } from '../lib/ids.js';
import type { SqliteDatabase } from '../lib/sqlite.js';
import { DEFAULT_APPROVAL_LIST_LIMIT, pendingApproval, type Approval, type ApprovalStatus, type ApprovalStore, type DecideResult } from './approval-store.js';

export interface SqliteApprovalStoreOptions {
  db: SqliteDatabase;
  clock?: Clock;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS approvals (
  id               TEXT PRIMARY KEY,
  server           TEXT NOT NULL,
  grant_id         TEXT NOT NULL,
  grant_name       TEXT,
  session_id       TEXT,
  tool             TEXT NOT NULL,
  arguments        TEXT NOT NULL,
  args_hash        TEXT NOT NULL,
  risk_class       TEXT,
  rule             TEXT NOT NULL,
  reason           TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  status           TEXT NOT NULL,
  decided_by       TEXT,
  decided_at       INTEGER,
  decision_reason  TEXT,
  delivered_at     INTEGER
);
CREATE INDEX IF NOT EXISTS approvals_key ON approvals (grant_id, server, tool, args_hash);
CREATE INDEX IF NOT EXISTS approvals_created ON approvals (created_at);
`;

// The status as of @now: pending or approved past expiry reads as expired.
const STATUS_NOW = `CASE WHEN status IN ('pending', 'approved') AND expires_at <= @now THEN 'expired' ELSE status END`;
const COLUMNS = `id, server, grant_id, grant_name, session_id, tool, arguments, args_hash, risk_class, rule, reason,
  created_at, expires_at, ${STATUS_NOW} AS status, decided_by, decided_at, decision_reason, delivered_at`;

interface ApprovalRow {
  id: string;
  server: string;
  grant_id: string;
  grant_name: string | null;
  session_id: string | null;
  tool: string;
  arguments: string;
  args_hash: string;
  risk_class: string | null;
  rule: string;
  reason: string;
  created_at: number;
  expires_at: number;
  status: ApprovalStatus;
  decided_by: string | null;
  decided_at: number | null;
  decision_reason: string | null;
  delivered_at: number | null;
}

export function createSqliteApprovalStore(options: SqliteApprovalStoreOptions): ApprovalStore {
  const { db } = options;
  const clock = options.clock ?? systemClock;
  db.exec(SCHEMA);

  const insert = db.prepare(
    `INSERT INTO approvals (id, server, grant_id, grant_name, session_id, tool, arguments, args_hash, risk_class, rule, reason, created_at, expires_at, status)
     VALUES (@id, @server, @grantId, @grantName, @sessionId, @tool, @arguments, @argsHash, @riskClass, @rule, @reason, @createdAt, @expiresAt, 'pending')`,
  );
  const selectById = db.prepare<{ id: string; now: number }, ApprovalRow>(`SELECT ${COLUMNS} FROM approvals WHERE id = @id`);
  const selectAll = db.prepare<{ now: number; limit: number }, ApprovalRow>(
    `SELECT ${COLUMNS} FROM approvals ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
  );
  const selectByStatus = db.prepare<{ now: number; status: string; limit: number }, ApprovalRow>(
    `SELECT ${COLUMNS} FROM approvals WHERE ${STATUS_NOW} = @status ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
  );
  const selectOpen = db.prepare<{ now: number; grantId: string; server: string; tool: string; argsHash: string }, ApprovalRow>(
    `SELECT ${COLUMNS} FROM approvals
     WHERE grant_id = @grantId AND server = @server AND tool = @tool AND args_hash = @argsHash AND delivered_at IS NULL
     ORDER BY created_at DESC, rowid DESC LIMIT 1`,
  );
  const decideRow = db.prepare(
    `UPDATE approvals SET status = @verdict, decided_by = @decidedBy, decided_at = @now, decision_reason = @reason
     WHERE id = @id AND status = 'pending' AND expires_at > @now`,
  );
  const consumeRow = db.prepare(
    `UPDATE approvals SET status = 'used', delivered_at = @now WHERE id = @id AND status = 'approved' AND expires_at > @now AND delivered_at IS NULL`,
  );
  const releaseRow = db.prepare(`UPDATE approvals SET status = 'approved', delivered_at = NULL WHERE id = @id AND status = 'used'`);
  const deliverRow = db.prepare(
    `UPDATE approvals SET status = ${STATUS_NOW}, delivered_at = @now WHERE id = @id AND delivered_at IS NULL`,
  );

  const read = (id: string): Approval | undefined => {
    const row = selectById.get({ id, now: clock.now() });
    return row ? fromRow(row) : undefined;
  };

  return {
    async create(input) {
      const createdAt = clock.now();
      const approval = pendingApproval(randomId('apr'), input, createdAt);
      insert.run({
        id: approval.id,
        server: approval.server,
        grantId: approval.grantId,
        grantName: approval.grantName ?? null,
        sessionId: approval.sessionId ?? null,
        tool: approval.tool,
        arguments: JSON.stringify(approval.arguments),
        argsHash: approval.argsHash,
        riskClass: approval.riskClass ?? null,
        rule: approval.rule,
        reason: approval.reason,
        createdAt,
        expiresAt: approval.expiresAt,
      });
      return approval;
    },

    async get(id) {
      return read(id);
    },

    async list(filter = {}) {
      const limit = Math.max(1, Math.floor(filter.limit ?? DEFAULT_APPROVAL_LIST_LIMIT));
      const now = clock.now();
      const rows = filter.status === undefined ? selectAll.all({ now, limit }) : selectByStatus.all({ now, status: filter.status, limit });
      return rows.map(fromRow);
    },

    async findOpen(key) {
      const row = selectOpen.get({ ...key, now: clock.now() });
      return row ? fromRow(row) : undefined;
    },

    async decide(id, verdict, decidedBy, reason): Promise<DecideResult> {
      const changed = decideRow.run({ id, verdict, decidedBy, reason: reason ?? null, now: clock.now() }).changes;
      const approval = read(id);
      if (!approval) return { kind: 'not_found' };
      return changed === 1 ? { kind: 'decided', approval } : { kind: 'already_decided', approval };
    },

    async consume(id) {
      return consumeRow.run({ id, now: clock.now() }).changes === 1;
    },

    async release(id) {
      releaseRow.run({ id });
    },

    async markDelivered(id) {
      deliverRow.run({ id, now: clock.now() });
    },
  };
}

function fromRow(row: ApprovalRow): Approval {
  const args: unknown = JSON.parse(row.arguments);
  return {
    id: row.id,
    server: row.server,
    grantId: row.grant_id,
    ...(row.grant_name === null ? {} : { grantName: row.grant_name }),
    ...(row.session_id === null ? {} : { sessionId: row.session_id }),
    tool: row.tool,
    arguments: args !== null && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {},
    argsHash: row.args_hash,
    ...(row.risk_class === null ? {} : { riskClass: row.risk_class }),
    rule: row.rule,
    reason: row.reason,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    status: row.status,
    ...(row.decided_by === null ? {} : { decidedBy: row.decided_by }),
    ...(row.decided_at === null ? {} : { decidedAt: row.decided_at }),
    ...(row.decision_reason === null ? {} : { decisionReason: row.decision_reason }),
    ...(row.delivered_at === null ? {} : { deliveredAt: row.delivered_at }),
  };
}

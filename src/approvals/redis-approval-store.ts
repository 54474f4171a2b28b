// Approvals in Redis, shared by every replica: one made on replica A can be decided through B, and a
// decision is published (`<prefix>approvals`) so held calls anywhere wake at once. Same contract as SQLite.
import { createHash } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';
import { randomId } from '../lib/ids.js';
import { pairsToRecord, redisScript, type RedisConnection } from '../state/redis-connection.js';
import type { RedisSubscriber } from '../state/redis-subscriber.js';
import {
  DEFAULT_APPROVAL_LIST_LIMIT,
  pendingApproval,
  type Approval,
  type ApprovalKey,
  type ApprovalStatus,
  type ApprovalStore,
  type DecideResult,
  type DecisionFeed,
  type DecisionListener,
} from './approval-store.js';
import {
  CONSUME_APPROVAL,
  CREATE_APPROVAL,
  DECIDE_APPROVAL,
  FIND_OPEN_APPROVAL,
  GET_APPROVAL,
  LIST_APPROVALS,
  MARK_APPROVAL_DELIVERED,
  RELEASE_APPROVAL,
} from './redis-approval-scripts.js';

export interface RedisApprovalStoreOptions {
  connection: RedisConnection;
  /** The same prefix as the counters (`state.keyPrefix`). */
  keyPrefix: string;
  /** `redis` (production): expiry follows Redis `TIME`, so replicas with skewed clocks agree.
   *  `clock`: it follows `clock` (the contract tests move a manual clock). */
  timeSource?: 'redis' | 'clock';
  clock?: Clock;
  /** How long a decided or expired approval is kept past its expiry (default 30 days). */
  retentionMs?: number;
}

const SCRIPTS = {
  create: redisScript(CREATE_APPROVAL),
  get: redisScript(GET_APPROVAL),
  findOpen: redisScript(FIND_OPEN_APPROVAL),
  list: redisScript(LIST_APPROVALS),
  decide: redisScript(DECIDE_APPROVAL),
  consume: redisScript(CONSUME_APPROVAL),
  release: redisScript(RELEASE_APPROVAL),
  deliver: redisScript(MARK_APPROVAL_DELIVERED),
};

const DEFAULT_RETENTION_MS = 30 * 24 * 3_600_000;
const LIST_PAGE = 200;

/** The channel a decision is published on: the approval id is the message. */
export function approvalsChannel(keyPrefix: string): string {
  return `${keyPrefix}approvals`;
}

export function createRedisApprovalStore(options: RedisApprovalStoreOptions): ApprovalStore {
  const { connection, keyPrefix } = options;
  const clock = options.clock ?? systemClock;
  const retention = String(options.retentionMs ?? DEFAULT_RETENTION_MS);
  const useClock = options.timeSource === 'clock';
  const run = (script: (typeof SCRIPTS)[keyof typeof SCRIPTS], ...args: string[]): Promise<unknown> =>
    connection.run(script, [keyPrefix, useClock ? String(clock.now()) : '', ...args]);

  async function list(which: 'pending' | 'all', offset: number): Promise<{ scanned: number; approvals: Approval[] }> {
    const reply = (await run(SCRIPTS.list, which, String(offset), String(LIST_PAGE))) as unknown[];
    const now = Number(reply[0]);
    const approvals = reply.slice(2).map((fields) => fromFields(pairsToRecord(fields), now));
    return { scanned: Number(reply[1]), approvals };
  }

  return {
    async create(input) {
      const id = randomId('apr');
      const fields: Record<string, string | undefined> = {
        server: input.server,
        grantId: input.grantId,
        grantName: input.grantName,
        sessionId: input.sessionId,
        tool: input.tool,
        arguments: JSON.stringify(input.arguments),
        argsHash: input.argsHash,
        riskClass: input.riskClass,
        rule: input.rule,
        reason: input.reason,
      };
      const pairs = Object.entries(fields).flatMap(([name, value]) => (value === undefined ? [] : [name, value]));
      const createdAt = Number(await run(SCRIPTS.create, id, String(input.timeoutMs), retention, openKey(input), ...pairs));
      return pendingApproval(id, input, createdAt);
    },

    async get(id) {
      return readReply(await run(SCRIPTS.get, id));
    },

    async list(filter = {}) {
      const limit = Math.max(1, Math.floor(filter.limit ?? DEFAULT_APPROVAL_LIST_LIMIT));
      if (filter.status === 'pending') {
        const { approvals } = await list('pending', 0);
        return approvals.filter((a) => a.status === 'pending').sort(newestFirst).slice(0, limit);
      }
      const found: Approval[] = [];
      for (let offset = 0; found.length < limit; offset += LIST_PAGE) {
        const page = await list('all', offset);
        found.push(...page.approvals.filter((a) => filter.status === undefined || a.status === filter.status));
        if (page.scanned < LIST_PAGE) break;
      }
      return found.slice(0, limit);
    },

    async findOpen(key) {
      return readReply(await run(SCRIPTS.findOpen, openKey(key)));
    },

    async decide(id, verdict, decidedBy, reason): Promise<DecideResult> {
      const args = [id, verdict, decidedBy, reason === undefined ? '0' : '1', reason ?? '', approvalsChannel(keyPrefix)];
      const reply = (await run(SCRIPTS.decide, ...args)) as unknown[];
      const approval = readReply(reply.slice(1));
      if (reply[0] === 'not_found' || !approval) return { kind: 'not_found' };
      return reply[0] === 'decided' ? { kind: 'decided', approval } : { kind: 'already_decided', approval };
    },

    async consume(id) {
      return Number(await run(SCRIPTS.consume, id)) === 1;
    },

    async release(id) {
      await run(SCRIPTS.release, id);
    },

    async markDelivered(id) {
      await run(SCRIPTS.deliver, id);
    },
  };
}

/** Decisions published by any replica's store, through this process's one subscriber connection. */
export function createRedisDecisionFeed(subscriber: RedisSubscriber, keyPrefix: string): DecisionFeed {
  return {
    subscribe(listener: DecisionListener) {
      const stopListening = subscriber.listen(approvalsChannel(keyPrefix), (id) => listener.decided(id));
      const stopResync = subscriber.onSubscribed(() => listener.resync());
      return () => {
        stopListening();
        stopResync();
      };
    },
  };
}

/** Grant, server and tool names may hold any character: the key is a hash of all four parts. */
function openKey(key: ApprovalKey): string {
  return createHash('sha256').update(JSON.stringify([key.grantId, key.server, key.tool, key.argsHash])).digest('hex');
}

function newestFirst(a: Approval, b: Approval): number {
  return b.createdAt - a.createdAt;
}

/** A `{now, field, value, …}` reply as an approval, its status as of `now`. */
function readReply(reply: unknown): Approval | undefined {
  if (!Array.isArray(reply) || reply.length < 3) return undefined;
  return fromFields(pairsToRecord(reply.slice(1)), Number(reply[0]));
}

function fromFields(f: Record<string, string>, now: number): Approval {
  const args: unknown = JSON.parse(f['arguments'] ?? '{}');
  const expiresAt = Number(f['expiresAt']);
  const stored = f['status'] as ApprovalStatus;
  const status: ApprovalStatus = (stored === 'pending' || stored === 'approved') && expiresAt <= now ? 'expired' : stored;
  const optionalText = (name: string) => (f[name] === undefined ? {} : { [name]: f[name] });
  const optionalTime = (name: string) => (f[name] === undefined ? {} : { [name]: Number(f[name]) });
  return {
    id: f['id'] ?? '',
    server: f['server'] ?? '',
    grantId: f['grantId'] ?? '',
    ...optionalText('grantName'),
    ...optionalText('sessionId'),
    tool: f['tool'] ?? '',
    arguments: args !== null && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {},
    argsHash: f['argsHash'] ?? '',
    ...optionalText('riskClass'),
    rule: f['rule'] ?? '',
    reason: f['reason'] ?? '',
    createdAt: Number(f['createdAt']),
    expiresAt,
    status,
    ...optionalText('decidedBy'),
    ...optionalTime('decidedAt'),
    ...optionalText('decisionReason'),
    ...optionalTime('deliveredAt'),
  };
}

// `toolgate audit`: read the audit trail from the config's data directory, newest first, as an
// aligned table or JSON. Reads only; a running gateway may keep writing meanwhile.
import { Command, InvalidArgumentError, Option } from 'commander';
import type { AuditDecision, AuditEvent, AuditFilter } from '../audit/audit-sink.js';
import { createSqliteAuditSink } from '../audit/sqlite-audit-sink.js';
import type { Grant } from '../grants/grant-store.js';
import { createSqliteGrantStore } from '../grants/sqlite-grant-store.js';
import { parseDuration } from '../lib/durations.js';
import type { SqliteDatabase } from '../lib/sqlite.js';
import { withSharedStores } from './open-stores.js';
import { DEFAULT_CONFIG_FILE, formatTable, isoTime, printable, runCommand, withConfigDatabase, type CommandIo } from './command-support.js';

const DECISIONS: readonly AuditDecision[] = ['allow', 'deny', 'rate_limited', 'approval'];
const DEFAULT_LIMIT = 100;

interface AuditOptions {
  config: string;
  server?: string;
  grant?: string;
  tool?: string;
  decision?: AuditDecision;
  since?: number;
  limit: number;
  json?: boolean;
}

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('show audit events (one per decision), newest first')
    .option('-c, --config <file>', 'gateway config file', DEFAULT_CONFIG_FILE)
    .option('--server <name>', 'only events for this server')
    .option('--grant <id-or-name>', 'only events of this grant (a grant id, or a grant name)')
    .option('--tool <name>', 'only events for this tool')
    .addOption(new Option('--decision <decision>', 'only events with this decision').choices(DECISIONS))
    .option('--since <when>', 'only events at or after a time: a duration ago ("10m", "2h", "1d") or an ISO time ("2026-11-21T10:00:00Z")', (text: string) => parseSince(text))
    .option('--limit <n>', 'at most this many events', parseLimit, DEFAULT_LIMIT)
    .option('--json', 'print a JSON array of events')
    .action((options: AuditOptions, command: Command) => runCommand(command, (io) => showAudit(options, io)));
}

async function showAudit(options: AuditOptions, io: CommandIo): Promise<void> {
  const events = await withConfigDatabase(options.config, async (config, db) => {
    // Grant names are resolved where the grants live: the shared state (`state:`) or the data directory.
    if (options.grant === undefined) return queryEvents(db, options, []);
    const grants = config.state ? await withSharedStores(config.state, async (shared) => shared.grants.list()) : createSqliteGrantStore({ db }).list();
    return queryEvents(db, options, grants);
  });
  if (options.json) {
    io.out(`${JSON.stringify(events, null, 2)}\n`);
    return;
  }
  if (events.length === 0) {
    io.out('No audit events match.\n');
    return;
  }
  const header = ['TIME', 'DECISION', 'SERVER', 'TOOL', 'GRANT', 'RULE', 'STATUS', 'LATENCY', 'REASON'];
  io.out(formatTable([header, ...events.map(eventRow)]));
}

function queryEvents(db: SqliteDatabase, options: AuditOptions, grants: readonly Grant[]): AuditEvent[] {
  const filter: AuditFilter = {
    ...(options.server !== undefined ? { server: options.server } : {}),
    ...(options.tool !== undefined ? { tool: options.tool } : {}),
    ...(options.decision !== undefined ? { decision: options.decision } : {}),
    ...(options.since !== undefined ? { sinceMs: options.since } : {}),
    limit: options.limit,
  };
  const reader = createSqliteAuditSink({ db });
  if (options.grant === undefined) return reader.query(filter);
  // A name may have been reused after a revoke: show the events of every grant that bore it.
  const grantIds = resolveGrantIds(grants, options.grant);
  const events = grantIds.flatMap((grantId) => reader.query({ ...filter, grantId }));
  return events.sort((a, b) => b.time - a.time).slice(0, options.limit);
}

function resolveGrantIds(grants: readonly Grant[], idOrName: string): string[] {
  if (grants.some((grant) => grant.id === idOrName)) return [idOrName];
  const named = grants.filter((grant) => grant.name === idOrName).map((grant) => grant.id);
  // Unknown to the store (e.g. a grant id recorded by a gateway with `auth: none`): match it as is.
  return named.length > 0 ? named : [idOrName];
}

function eventRow(event: AuditEvent): string[] {
  return [
    isoTime(event.time),
    event.decision,
    printable(event.server),
    printable(event.tool),
    printable(event.grantId),
    printable(event.rule),
    event.upstreamStatus,
    event.latencyMs === undefined ? '-' : `${Math.round(event.latencyMs)}ms`,
    event.reason === undefined ? '' : printable(event.reason),
  ];
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** Exported for tests: "10m" means ten minutes before `nowMs`; an ISO time must carry its zone. */
export function parseSince(text: string, nowMs: number = Date.now()): number {
  const duration = parseDuration(text);
  if (duration !== undefined) return nowMs - duration;
  const ms = ISO_TIME.test(text) && isCalendarDate(text.slice(0, 10)) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      'expected a duration ago like "10m", "2h" or "1d", or an ISO time with a zone like "2026-11-21T10:00:00Z" (or a date, "2026-11-21", read as UTC)',
    );
  }
  return ms;
}

/** Date.parse rolls "2026-02-30" over into March; a typo should be an error instead. */
function isCalendarDate(date: string): boolean {
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

function parseLimit(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new InvalidArgumentError('expected a whole number of events, 1 or more');
  }
  return Number(text);
}

// `toolgate approvals list|show|approve|deny`: see what agents are waiting for and decide, from
// another process than the gateway (they share the SQLite file, where a held call notices within
// ~200 ms; or the Redis state, where it is told at once).
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { APPROVAL_STATUSES, type Approval, type ApprovalStatus, type ApprovalStore, type ApprovalVerdict } from '../approvals/approval-store.js';
import { decideApproval, describeDecision, describeUndecided } from '../approvals/decide-approval.js';
import { createSqliteApprovalStore } from '../approvals/sqlite-approval-store.js';
import { createSqliteAuditSink } from '../audit/sqlite-audit-sink.js';
import { systemClock } from '../lib/clock.js';
import { openDatabase } from '../lib/sqlite.js';
import { withSharedStores } from './open-stores.js';
import { DEFAULT_CONFIG_FILE, formatTable, isoTime, printable, runCommand, withConfigDatabase, type CommandIo } from './command-support.js';
import type { SqliteDatabase } from '../lib/sqlite.js';

interface StateOptions {
  config: string;
  dataDir?: string;
}

interface ListOptions extends StateOptions {
  status: ApprovalStatus | 'all';
  limit: number;
  json?: boolean;
}

interface ShowOptions extends StateOptions {
  json?: boolean;
}

interface DecideOptions extends StateOptions {
  reason?: string;
  by?: string;
}

export function registerApprovalsCommand(program: Command): void {
  const approvals = program.command('approvals').description('list, show, approve and deny calls waiting for a human');
  const withState = (command: Command): Command =>
    command
      .option('-c, --config <file>', 'gateway config file', DEFAULT_CONFIG_FILE)
      .option('--data-dir <dir>', 'read this data directory instead of the config\'s (e.g. the one `toolgate wrap` uses)');

  withState(approvals.command('list').description('list approvals, newest first'))
    .addOption(new Option('--status <status>', 'only approvals with this status').choices([...APPROVAL_STATUSES, 'all']).default('pending'))
    .option('--limit <n>', 'at most this many', parseLimit, 100)
    .option('--json', 'print a JSON array of approvals (with full arguments)')
    .action((options: ListOptions, command: Command) => runCommand(command, (io) => listApprovals(options, io)));

  withState(approvals.command('show').description('show one approval: who asked, what, and why').argument('<id>', 'approval id (apr_…)'))
    .option('--json', 'print the approval as JSON')
    .action((id: string, options: ShowOptions, command: Command) => runCommand(command, (io) => showApproval(id, options, io)));

  for (const [name, verdict] of [['approve', 'approved'], ['deny', 'denied']] as const) {
    withState(approvals.command(name).description(`${name} a pending approval`).argument('<id>', 'approval id (apr_…)'))
      .option('--reason <text>', verdict === 'denied' ? 'why (the agent sees it: [APPROVAL DENIED] <reason>)' : 'why (kept with the decision)')
      .option('--by <name>', 'who decides (default: your user name)')
      .action((id: string, options: DecideOptions, command: Command) => runCommand(command, (io) => decide(id, verdict, options, io)));
  }
}

/** The approvals: `--data-dir`'s database when given; else the config's shared state (`state:`, Redis:
 *  a decision wakes the held call on whichever replica holds it), else its `dataDir`. The audit
 *  event of a decision goes to the data directory's database. */
async function withStore<T>(options: StateOptions, use: (store: ApprovalStore, db: SqliteDatabase) => Promise<T>): Promise<T> {
  if (options.dataDir === undefined) {
    return withConfigDatabase(options.config, (config, db) =>
      config.state ? withSharedStores(config.state, (shared) => use(shared.approvals, db)) : use(createSqliteApprovalStore({ db }), db),
    );
  }
  const db = openDatabase(resolve(options.dataDir));
  try {
    return await use(createSqliteApprovalStore({ db }), db);
  } finally {
    db.close();
  }
}

async function listApprovals(options: ListOptions, io: CommandIo): Promise<void> {
  const filter = { limit: options.limit, ...(options.status === 'all' ? {} : { status: options.status }) };
  const list = await withStore(options, (store) => store.list(filter));
  if (options.json) return io.out(`${JSON.stringify(list, null, 2)}\n`);
  if (list.length === 0) return io.out(options.status === 'all' ? 'No approvals.\n' : `No ${options.status} approvals.\n`);
  const rows = list.map((a) => [a.id, a.status, printable(a.server), printable(a.tool), printable(grantLabel(a)), isoTime(a.createdAt), isoTime(a.expiresAt), printable(a.reason)]);
  io.out(formatTable([['ID', 'STATUS', 'SERVER', 'TOOL', 'GRANT', 'CREATED', 'EXPIRES', 'REASON'], ...rows]));
}

async function showApproval(id: string, options: ShowOptions, io: CommandIo): Promise<void> {
  const approval = await withStore(options, (store) => store.get(id));
  if (!approval) throw new Error(`no approval with id "${printable(id)}" (see: toolgate approvals list --status all)`);
  if (options.json) return io.out(`${JSON.stringify(approval, null, 2)}\n`);
  io.out(describeApproval(approval));
}

async function decide(id: string, verdict: ApprovalVerdict, options: DecideOptions, io: CommandIo): Promise<void> {
  const decidedBy = options.by ?? currentUser();
  const result = await withStore(options, async (store, db) => {
    const audit = createSqliteAuditSink({ db });
    try {
      return await decideApproval(store, audit, systemClock, { id, verdict, decidedBy, ...(options.reason ? { reason: options.reason } : {}) });
    } finally {
      await audit.close();
    }
  });
  if (result.kind !== 'decided') throw new Error(printable(describeUndecided(id, result)));
  const a = result.approval;
  const what = `${printable(a.server)}/${printable(a.tool)} for ${printable(grantLabel(a))}`;
  if (verdict === 'approved') {
    io.out(`Approved ${a.id} (${what}). The call runs once: now if it is still held, else when the agent calls again with the same arguments (before ${isoTime(a.expiresAt)}).\n`);
  } else {
    io.out(`Denied ${a.id} (${what}). The agent is told: [APPROVAL DENIED] ${printable(a.decisionReason ?? `approval ${a.id} was ${describeDecision(a)}`)}\n`);
  }
}

/** The text of `approvals show`: who asked, what, why, and what became of it. */
export function describeApproval(a: Approval): string {
  const args = JSON.stringify(a.arguments, null, 2).split('\n').map(printable);
  const lines = [
    `Approval ${a.id}: ${a.status}`,
    `  asked by:   ${printable(grantLabel(a))}${a.sessionId ? `, session ${printable(a.sessionId)}` : ''}`,
    `  call:       server ${printable(a.server)}, tool ${printable(a.tool)}${a.riskClass ? ` (risk: ${printable(a.riskClass)})` : ''}`,
    `  arguments:  ${args[0] ?? '{}'}`,
    ...args.slice(1).map((line) => `              ${line}`),
    `  why:        ${printable(a.reason)} (${printable(a.rule)})`,
    `  created:    ${isoTime(a.createdAt)}`,
    `  expires:    ${isoTime(a.expiresAt)}`,
  ];
  if (a.decidedBy !== undefined) lines.push(`  decision:   ${printable(describeDecision(a))}${a.decidedAt === undefined ? '' : ` at ${isoTime(a.decidedAt)}`}`);
  if (a.deliveredAt !== undefined) lines.push(`  answered:   ${isoTime(a.deliveredAt)}${a.status === 'used' ? ' (the call ran)' : ''}`);
  return `${lines.join('\n')}\n`;
}

function grantLabel(a: Approval): string {
  return a.grantName === undefined ? a.grantId : `${a.grantName} (${a.grantId})`;
}

function currentUser(): string {
  try {
    return userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}

function parseLimit(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) throw new InvalidArgumentError('expected a whole number, 1 or more');
  return Number(text);
}

// `toolgate catalog [--server S] [--json]` shows every tool the gateway has seen, with its class,
// risk, drift status and flags; `toolgate catalog accept SERVER TOOL` pins a changed or new tool's
// current definition, releasing it from a hold at once (the gateway reads the shared SQLite file).
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createSqliteAuditSink } from '../audit/sqlite-audit-sink.js';
import type { CatalogEntry } from '../catalog/catalog-store.js';
import { createSqliteCatalogStore } from '../catalog/sqlite-catalog-store.js';
import { systemClock } from '../lib/clock.js';
import { openDatabase, type SqliteDatabase } from '../lib/sqlite.js';
import { DEFAULT_CONFIG_FILE, formatTable, isoTime, printable, runCommand, withConfigDatabase, type CommandIo } from './command-support.js';

interface StateOptions {
  config: string;
  dataDir?: string;
}

interface ListOptions extends StateOptions {
  server?: string;
  json?: boolean;
}

interface AcceptOptions extends StateOptions {
  by?: string;
}

export function registerCatalogCommand(program: Command): void {
  const withState = (command: Command): Command =>
    command
      .option('-c, --config <file>', 'gateway config file', DEFAULT_CONFIG_FILE)
      .option('--data-dir <dir>', "read this data directory instead of the config's (e.g. the one `toolgate wrap` uses)");

  const catalog = withState(program.command('catalog').description('every tool the gateway has seen: class, risk, drift status, flags'))
    .option('--server <name>', 'only this server')
    .option('--json', 'print a JSON array of entries (with definitions, reasons, flags, fingerprints)')
    .action((options: ListOptions, command: Command) => runCommand(command, (io) => withDatabase(options, (db) => listCatalog(db, options, io))));

  // -c and --data-dir belong to `catalog` and are read from there: written after `accept` too, they
  // are still its parent's (commander parses a parent's options anywhere on the line).
  catalog
    .command('accept')
    .description("pin a tool's current definition: a changed or new tool is no longer held (takes -c / --data-dir)")
    .argument('<server>', 'server name')
    .argument('<tool>', 'tool name')
    .option('--by <name>', 'who accepts (default: your user name); kept in the audit')
    .action((server: string, tool: string, _options: AcceptOptions, command: Command) => {
      const options = command.optsWithGlobals<AcceptOptions>();
      return runCommand(command, (io) => withDatabase(options, (db) => acceptTool(db, server, tool, options, io)));
    });
}

async function withDatabase<T>(options: StateOptions, use: (db: SqliteDatabase) => Promise<T> | T): Promise<T> {
  if (options.dataDir === undefined) return withConfigDatabase(options.config, (_config, db) => use(db));
  const db = openDatabase(resolve(options.dataDir));
  try {
    return await use(db);
  } finally {
    db.close();
  }
}

function listCatalog(db: SqliteDatabase, options: ListOptions, io: CommandIo): void {
  const entries = createSqliteCatalogStore({ db }).list(options.server);
  if (options.json) {
    io.out(`${JSON.stringify(entries.map(jsonEntry), null, 2)}\n`);
    return;
  }
  if (entries.length === 0) {
    io.out(options.server === undefined ? 'the catalog is empty: run `toolgate serve` so the gateway lists its servers\' tools\n' : `no tools of server "${printable(options.server)}" in the catalog\n`);
    return;
  }
  const rows = entries.map((entry) => [
    printable(entry.server),
    printable(entry.name),
    entry.category,
    entry.risk,
    entry.status,
    [...new Set(entry.flags.map((flag) => flag.split(':')[0] ?? flag))].join(','),
  ]);
  io.out(formatTable([['SERVER', 'TOOL', 'CATEGORY', 'RISK', 'STATUS', 'FLAGS'], ...rows]));
  const flags = entries.flatMap((entry) => entry.flags.map((flag) => `flag: ${printable(entry.server)}/${printable(entry.name)}: ${printable(flag)}\n`));
  if (flags.length > 0) io.out(`\n${flags.join('')}`);
  const waiting = entries.filter((entry) => entry.status === 'changed' || entry.status === 'new');
  if (waiting.length > 0) io.out(`\n${waiting.length} tool(s) changed or new since pinned; review, then: toolgate catalog accept SERVER TOOL\n`);
}

function jsonEntry(entry: CatalogEntry): Record<string, unknown> {
  return {
    server: entry.server,
    name: entry.name,
    category: entry.category,
    risk: entry.risk,
    confidence: entry.confidence,
    status: entry.status,
    reasons: entry.reasons,
    flags: entry.flags,
    fingerprint: entry.fingerprint,
    pinnedFingerprint: entry.pinnedFingerprint,
    firstSeen: isoTime(entry.firstSeen),
    lastSeen: isoTime(entry.lastSeen),
    ...(entry.changedAt === undefined ? {} : { changedAt: isoTime(entry.changedAt) }),
    ...(entry.acceptedAt === undefined ? {} : { acceptedAt: isoTime(entry.acceptedAt) }),
    definition: entry.definition,
  };
}

async function acceptTool(db: SqliteDatabase, server: string, tool: string, options: AcceptOptions, io: CommandIo): Promise<void> {
  const store = createSqliteCatalogStore({ db });
  const before = store.get(server, tool);
  if (!before) throw new Error(`no tool "${printable(tool)}" of server "${printable(server)}" in the catalog (see toolgate catalog --server ${printable(server)})`);
  const accepted = store.accept(server, tool, systemClock.now());
  if (!accepted) throw new Error(`no tool "${printable(tool)}" of server "${printable(server)}" in the catalog`);
  const by = options.by ?? userInfo().username;
  const audit = createSqliteAuditSink({ db });
  audit.record({
    time: systemClock.now(),
    server,
    grantId: 'catalog',
    tool,
    decision: 'allow',
    rule: 'catalog.accepted',
    reason: `definition accepted (was ${before.status}); fingerprint ${accepted.fingerprint.slice(0, 12)}… pinned`,
    argKeys: [],
    argHash: '',
    upstreamStatus: 'not_sent',
    decidedBy: by,
  });
  await audit.close();
  io.out(`accepted ${printable(server)}/${printable(tool)} (was ${before.status}); pinned ${accepted.fingerprint.slice(0, 12)}…\n`);
}

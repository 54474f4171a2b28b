// `toolgate grants create|list|revoke`: manage agent credentials in the config's data directory, or
// in the shared Redis state (`state:`). The token is printed once at creation; nothing can show it again.
import { Command } from 'commander';
import type { GatewayConfig } from '../config/gateway-config.js';
import { loadConfig } from '../config/load-config.js';
import type { Grant, GrantStore } from '../grants/grant-store.js';
import { createSqliteGrantStore } from '../grants/sqlite-grant-store.js';
import { openDatabase } from '../lib/sqlite.js';
import { DEFAULT_CONFIG_FILE, formatTable, isoTime, printable, runCommand, type CommandIo } from './command-support.js';
import { withSharedStores } from './open-stores.js';

interface ConfigOptions {
  config: string;
}

interface CreateOptions extends ConfigOptions {
  name: string;
  servers: string;
  json?: boolean;
}

interface ListOptions extends ConfigOptions {
  json?: boolean;
}

export function registerGrantsCommand(program: Command): void {
  const grants = program.command('grants').description('manage agent credentials (bearer tokens naming the servers they may reach)');

  grants
    .command('create')
    .description('create a grant and print its token (shown once)')
    .requiredOption('--name <name>', 'a name for the agent or credential, unique among live grants')
    .requiredOption('--servers <list>', 'comma-separated server names from the config, or "*" for every server')
    .option('-c, --config <file>', 'gateway config file', DEFAULT_CONFIG_FILE)
    .option('--json', 'print {id, name, token, servers} as JSON')
    .action((options: CreateOptions, command: Command) => runCommand(command, (io) => createGrant(options, io)));

  grants
    .command('list')
    .description('list grants (never their tokens)')
    .option('-c, --config <file>', 'gateway config file', DEFAULT_CONFIG_FILE)
    .option('--json', 'print a JSON array of grants')
    .action((options: ListOptions, command: Command) => runCommand(command, (io) => listGrants(options, io)));

  grants
    .command('revoke')
    .description('revoke a grant by id or name; its token stops working at once, even in a running gateway')
    .argument('<id-or-name>', 'grant id (grt_…) or the name of a live grant')
    .option('-c, --config <file>', 'gateway config file', DEFAULT_CONFIG_FILE)
    .action((idOrName: string, options: ConfigOptions, command: Command) =>
      runCommand(command, (io) => revokeGrant(idOrName, options, io)),
    );
}

async function createGrant(options: CreateOptions, io: CommandIo): Promise<void> {
  const servers = options.servers
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server !== '');
  if (servers.length === 0) throw new Error('--servers needs at least one server name, or "*" for every server');
  await withGrantStore(options.config, async (store, config) => {
    const configured = Object.keys(config.servers);
    const unknown = servers.filter((server) => server !== '*' && !configured.includes(server));
    if (unknown.length > 0) {
      const names = unknown.map((server) => `"${printable(server)}"`).join(', ');
      throw new Error(`unknown server${unknown.length > 1 ? 's' : ''} ${names}: the config defines ${configured.join(', ')}`);
    }
    const { grant, token } = await store.create({ name: options.name, servers });
    if (options.json) {
      io.out(`${JSON.stringify({ id: grant.id, name: grant.name, token, servers: grant.servers })}\n`);
      return;
    }
    io.out(`Created grant ${grant.id} "${grant.name}" for ${describeServers(grant)}.\n`);
    io.out(`Token: ${token}\n`);
    io.out('This token will not be shown again: store it now. toolgate keeps only its hash.\n');
  });
}

async function listGrants(options: ListOptions, io: CommandIo): Promise<void> {
  const grants = await withGrantStore(options.config, async (store) => store.list());
  if (options.json) {
    io.out(`${JSON.stringify(grants, null, 2)}\n`);
    return;
  }
  if (grants.length === 0) {
    io.out('No grants. Create one with: toolgate grants create --name NAME --servers SERVER[,SERVER…]\n');
    return;
  }
  const rows = grants.map((grant) => [
    grant.id,
    printable(grant.name),
    grant.servers.join(','),
    isoTime(grant.createdAt),
    grant.revokedAt === undefined ? '-' : isoTime(grant.revokedAt),
  ]);
  io.out(formatTable([['ID', 'NAME', 'SERVERS', 'CREATED', 'REVOKED'], ...rows]));
}

async function revokeGrant(idOrName: string, options: ConfigOptions, io: CommandIo): Promise<void> {
  const before = Date.now();
  const grant = await withGrantStore(options.config, async (store) => store.revoke(idOrName));
  if (!grant) throw new Error(`no grant with id or name "${printable(idOrName)}" (see: toolgate grants list)`);
  // Revoking twice is harmless; say so rather than pretend this call revoked it.
  if (grant.revokedAt !== undefined && grant.revokedAt < before) {
    io.out(`Grant ${grant.id} "${printable(grant.name)}" was already revoked at ${isoTime(grant.revokedAt)}.\n`);
    return;
  }
  io.out(`Revoked grant ${grant.id} "${printable(grant.name)}". Its token no longer works.\n`);
}

/** The config's grants: in Redis when it has `state:` (shared by every replica), else its data directory. */
async function withGrantStore<T>(configFile: string, use: (store: GrantStore, config: GatewayConfig) => Promise<T>): Promise<T> {
  const config = await loadConfig(configFile);
  if (config.state) return withSharedStores(config.state, (shared) => use(shared.grants, config));
  const db = openDatabase(config.dataDir);
  try {
    return await use(createSqliteGrantStore({ db }), config);
  } finally {
    db.close();
  }
}

function describeServers(grant: Grant): string {
  return grant.servers.includes('*') ? 'every server' : `server${grant.servers.length > 1 ? 's' : ''} ${grant.servers.join(', ')}`;
}

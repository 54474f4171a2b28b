// `toolgate demo`: the README's first command. Serves the example config (toolgate in front of the
// demo MLflow server), creates a fresh grant, and prints the endpoint, the token and a client config.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { GatewayConfig, ServerConfig } from '../config/gateway-config.js';
import { loadConfig } from '../config/load-config.js';
import { createSqliteGrantStore } from '../grants/sqlite-grant-store.js';
import { openDatabase } from '../lib/sqlite.js';
import { runCommand, type CommandIo } from './command-support.js';
import { serveUntilSignal } from './serve-command.js';

/** dist/src/cli/demo-command.js → the package root. */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DEMO_CONFIG = join(PACKAGE_ROOT, 'examples', 'toolgate.yaml');

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the demo: toolgate in front of the example MLflow server, with a fresh grant')
    .option('--listen <host:port>', 'address to listen on (default: the example config, or a free port if busy)')
    .action((options: { listen?: string }, command: Command) => runCommand(command, (io) => runDemo(io, options.listen)));
}

async function runDemo(io: CommandIo, listenOverride: string | undefined): Promise<void> {
  if (!existsSync(join(PACKAGE_ROOT, 'dist', 'examples', 'mlflow-server.js'))) throw new Error('the demo server is not built: run `npm run build` first');
  const config = withPackageCwd(await loadConfig(DEMO_CONFIG));
  const listen = listenOverride ? parseOrThrow(listenOverride) : (await portIsFree(config.listen.host, config.listen.port)) ? config.listen : { ...config.listen, port: 0 };

  const db = openDatabase(config.dataDir);
  const created = createSqliteGrantStore({ db }).create({ name: `demo-${new Date().toISOString().replace(/[:.]/g, '-')}`, servers: Object.keys(config.servers) });
  db.close();

  await serveUntilSignal(config, listen, io, (gateway) => {
    const server = Object.keys(config.servers)[0]!;
    const endpoint = `${gateway.url}/mcp/${server}`;
    const clientConfig = { mcpServers: { [server]: { type: 'http', url: endpoint, headers: { Authorization: `Bearer ${created.token}` } } } };
    io.out(
      [
        '',
        `endpoint:  ${endpoint}`,
        `grant:     ${created.grant.name} (${created.grant.id})`,
        `token:     ${created.token}`,
        '           (shown once; create more with: npx toolgate grants create -c examples/toolgate.yaml --name NAME --servers mlflow)',
        '',
        'client config (paste into your MCP client):',
        JSON.stringify(clientConfig, null, 2),
        '',
        'try it:',
        `  node dist/examples/try-client.js ${endpoint} ${created.token}`,
        'watch decisions:',
        '  npx toolgate audit -c examples/toolgate.yaml',
        '',
        'Ctrl-C stops the gateway.',
        '',
      ].join('\n'),
    );
  });
}

/** The example config names the demo server by a path relative to the package root. */
function withPackageCwd(config: GatewayConfig): GatewayConfig {
  const servers: Record<string, ServerConfig> = {};
  for (const [name, server] of Object.entries(config.servers)) {
    servers[name] = server.upstream.kind === 'stdio' && !server.upstream.cwd ? { ...server, upstream: { ...server.upstream, cwd: PACKAGE_ROOT } } : server;
  }
  return { ...config, servers };
}

function parseOrThrow(text: string): { host: string; port: number } {
  const match = /^(.+):(\d+)$/.exec(text);
  if (!match) throw new Error(`--listen: must be "host:port", not ${JSON.stringify(text)}`);
  return { host: match[1]!, port: Number(match[2]) };
}

async function portIsFree(host: string, port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolveFree) => {
    const probe = createServer();
    probe.once('error', () => resolveFree(false));
    probe.listen(port, host, () => probe.close(() => resolveFree(true)));
  });
}

// `toolgate wrap -p policy.json -- <command…>` (or `--url URL`): stdio mode for desktop clients
// that spawn their servers. toolgate is the client's stdio server; the real server is its child (or
// an HTTP server: Streamable HTTP or legacy HTTP+SSE), judged by the policy.
import { basename } from 'node:path';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { ServerConfig, UpstreamSpec } from '../config/gateway-config.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../config/gateway-config.js';
import { attachCatalog, watchReleasedHolds } from '../gateway/attach-catalog.js';
import { ClientSession } from '../gateway/client-session.js';
import { describeIssues, loadServerPolicy } from '../gateway/load-server-policy.js';
import { createStdioEraRouter } from '../gateway/modern-stdio.js';
import { createPolicyHolder } from '../gateway/policy-holder.js';
import { watchPolicies } from '../gateway/policy-reloader.js';
import { createServerRuntime } from '../gateway/server-runtime.js';
import { systemClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import { createPolicyEngine } from '../policy/engine.js';
import { serveStdio } from '../transport/stdio/stdio-server.js';
import { setUpApprovals } from './approval-setup.js';
import { runCommand } from './command-support.js';
import { collectHeader, httpUpstreamFromFlags, transportFlag } from './http-upstream-flags.js';
import { openEmbeddedStores } from './open-stores.js';

interface WrapOptions {
  policy: string;
  url?: string;
  header: string[];
  transport: string;
  name?: string;
  dataDir?: string;
  holdSeconds: number;
}

export function registerWrapCommand(program: Command): void {
  program
    .command('wrap')
    .description('stdio mode: serve MCP on stdin/stdout and run the real server as a child, enforcing the policy')
    .requiredOption('-p, --policy <file>', 'policy file (JSON or YAML)')
    .option('--url <url>', 'front an HTTP server (Streamable HTTP, or legacy HTTP+SSE) instead of a command')
    .option('--header <header>', "HTTP header for --url, 'Name: value' (repeatable)", collectHeader, [])
    .option('--transport <kind>', 'for --url: auto, streamable-http or sse', 'auto')
    .option('--name <name>', 'server name used in counters and the audit (default: the command name, or the URL\'s host)')
    .option('--data-dir <dir>', 'where counters, approvals and audit are kept (default: $TOOLGATE_DATA_DIR or ~/.toolgate)')
    .option('--hold-seconds <n>', 'how long a call needing approval waits for a decision before it is answered "pending"', parseHoldSeconds, 30)
    .argument('[command...]', 'the server to run, after -- (or give --url)')
    .action((commandLine: string[], options: WrapOptions, command: Command) =>
      runCommand(command, async () => {
        process.exitCode = await wrap(commandLine, options);
      }),
    );
}

async function wrap(commandLine: string[], options: WrapOptions): Promise<number> {
  const logger = createLogger();
  const { name, upstream } = wrappedServer(commandLine, options);
  const server: ServerConfig = {
    name,
    upstream,
    policy: { kind: 'file', path: resolve(options.policy) },
    shared: false,
    requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  };
  const loaded = await loadServerPolicy(server.policy);
  if (loaded.kind === 'invalid') throw new Error(`invalid policy ${loaded.source}: ${describeIssues(loaded.errors)}`);
  for (const warning of loaded.warnings) logger.warn({ path: warning.path }, warning.message);

  const dataDir = resolve(options.dataDir ?? process.env['TOOLGATE_DATA_DIR'] ?? join(homedir(), '.toolgate'));
  const stores = openEmbeddedStores(dataDir, systemClock, logger);
  const runtime = createServerRuntime(server, createPolicyHolder(name, loaded.policy, createPolicyEngine), logger);
  // The catalog (classes, drift holds) in the same data directory (`toolgate catalog --data-dir`),
  // kept from the client's own listings: the desktop client's server is not started twice.
  const { catalog, refresher } = attachCatalog(new Map([[name, runtime]]), { store: stores.catalog, audit: stores.audit, clock: systemClock, logger, listOnItsOwn: false });
  const inflight = new Set<Promise<unknown>>();
  // Approvals are decided with `toolgate approvals … --data-dir <same dir>` from another terminal.
  const approvals = setUpApprovals({ holdSeconds: options.holdSeconds }, { store: stores.approvals, audit: stores.audit, clock: systemClock, logger });
  const deps = { counters: stores.counters, audit: stores.audit, approvals: approvals.queue, clock: systemClock, logger, inflight };
  const session = new ClientSession({ runtime, grantId: 'local', deps, logger });
  // A 2026-07-28 client opens with server/discover or an enveloped request instead of initialize:
  // it is served over the server's shared connection, which toolgate initializes itself.
  const router = createStdioEraRouter({
    legacy: session,
    openModern: () => new ClientSession({ runtime, grantId: 'local', deps, logger, stateless: true }),
    serverInfo: () => runtime.sharedUpstream('modern').serverInfo(),
    logger,
  });
  const stdio = serveStdio(router, { input: process.stdin, output: process.stdout });
  // A modern client hears of list changes only on a subscriptions/listen stream, which it cannot
  // open here yet: nothing is sent to it unasked.
  const toldToRelist = (): void => {
    if (router.era !== 'modern') session.notify({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
  };
  const holdWatch = watchReleasedHolds(catalog, logger, toldToRelist);
  session.attachStream(stdio.stream);
  // As over HTTP: a reload that changes which tools are visible tells the client to list again.
  const reloader = watchPolicies(new Map([[name, runtime]]), logger, (event) => {
    if (event.kind === 'reloaded' && event.hiddenChanged) toldToRelist();
  });

  let upstreamEnded = false;
  const sessionEnded = new Promise<void>((resolveEnd) => session.onEnd(resolveEnd));
  session.onEnd(() => {
    upstreamEnded = true;
  });
  // Desktop clients stop their servers with a signal: end as on stdin's close, writing the audit.
  const signalled = new Promise<void>((resolveSignal) => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => resolveSignal());
  });
  // A client that exits leaves stdout broken (EPIPE): that is an end, not a crash.
  const stdoutBroken = new Promise<void>((resolveBroken) => process.stdout.on('error', () => resolveBroken()));
  await Promise.race([stdio.ended, sessionEnded, signalled, stdoutBroken]);
  // Held calls are answered "pending" now (their approvals stay in the data directory).
  await approvals.close();
  await Promise.allSettled([...inflight]);
  reloader.close();
  clearInterval(holdWatch);
  await refresher.close();
  await session.close('stdin closed');
  await router.close('stdin closed');
  await runtime.close();
  await stores.audit.close();
  await stores.counters.close();
  stores.close();
  if (upstreamEnded) process.stdin.destroy();
  return 0;
}

/** The server the client reaches through toolgate: a command (its child), or an HTTP URL. */
function wrappedServer(commandLine: readonly string[], options: WrapOptions): { name: string; upstream: UpstreamSpec } {
  transportFlag(options.transport);
  if (options.url !== undefined) {
    if (commandLine.length > 0) throw new Error('wrap: give either --url or a command after --, not both');
    const upstream = httpUpstreamFromFlags({ url: options.url, header: options.header, transport: options.transport });
    return { name: options.name ?? new URL(upstream.url).host.replace(/[^A-Za-z0-9_.-]/g, '_'), upstream };
  }
  if (options.header.length > 0) throw new Error('--header only applies to --url');
  const [executable, ...args] = commandLine;
  if (!executable) throw new Error('wrap: give the server command after --, e.g. toolgate wrap -p policy.json -- node server.js (or --url URL)');
  // The desktop client chose this environment for its server: pass it on whole.
  return { name: options.name ?? defaultServerName(executable, args), upstream: { kind: 'stdio', command: executable, args, env: stringEnv(process.env) } };
}

/**
 * `node server.js`, `npx -y @scope/server-x /data` and `uvx mcp-y` must not all be "node"/"npx":
 * counters and the audit are keyed by server name. Use the command and its first operand.
 */
function defaultServerName(executable: string, args: readonly string[]): string {
  const operand = args.find((arg) => !arg.startsWith('-'));
  const parts = [basename(executable), ...(operand ? [basename(operand)] : [])];
  return parts.join('_').replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
}

function parseHoldSeconds(text: string): number {
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0) throw new InvalidArgumentError('expected a number of seconds, 0 or more');
  return seconds;
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

// `toolgate serve -c toolgate.yaml [--listen host:port]`: run the gateway until SIGTERM or SIGINT.
import type { Command } from 'commander';
import { startAdminServer, type RunningAdminServer } from '../admin/admin-server.js';
import { isLoopbackHost, parseListen, type GatewayConfig, type ListenAddress, type StateConfig } from '../config/gateway-config.js';
import { loadConfig } from '../config/load-config.js';
import { startGateway, type RunningGateway } from '../gateway/gateway.js';
import { createCachedGrantStore } from '../grants/cached-grant-store.js';
import { clockWithTestOffset, systemClock, type Clock } from '../lib/clock.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { setUpApprovals } from './approval-setup.js';
import { DEFAULT_CONFIG_FILE, runCommand, type CommandIo } from './command-support.js';
import type { CounterStore } from '../state/counter-store.js';
import { openCounterStore, openEmbeddedStores, openSharedStores, type SharedStores } from './open-stores.js';

interface ServeOptions {
  config: string;
  listen?: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the gateway in front of the configured MCP servers')
    .option('-c, --config <file>', 'gateway config file (YAML or JSON)', DEFAULT_CONFIG_FILE)
    .option('--listen <host:port>', 'address to listen on, overriding the config (port 0 picks a free port)')
    .action((options: ServeOptions, command: Command) =>
      runCommand(command, async (io) => {
        const config = await loadConfig(options.config);
        const listen = options.listen === undefined ? config.listen : parseListenOption(options.listen, config);
        await serveUntilSignal(config, listen, io);
      }),
    );
}

function parseListenOption(text: string, config: GatewayConfig): ListenAddress {
  const listen = parseListen(text);
  if (!listen) throw new Error(`--listen: must be "host:port", e.g. "127.0.0.1:8420", not ${JSON.stringify(text)}`);
  if (config.auth === 'none' && !isLoopbackHost(listen.host)) throw new Error(`--listen: auth "none" is only allowed on a loopback address, not ${listen.host}`);
  return listen;
}

/** Starts the gateway, prints where it listens, and stops it cleanly on SIGTERM/SIGINT. */
export async function serveUntilSignal(
  config: GatewayConfig,
  listen: ListenAddress,
  io: CommandIo,
  onStarted?: (gateway: RunningGateway) => void,
  options: ServingOptions = {},
): Promise<void> {
  const logger = createLogger();
  const running = await startServing(config, listen, logger, options);
  io.out(`toolgate listening on ${running.gateway.url}\n`);
  for (const name of running.gateway.runtimes.keys()) io.out(`  ${name}: ${running.gateway.url}/mcp/${name}\n`);
  if (running.admin) io.out(`admin API on ${running.admin.url}/api/approvals\n`);
  onStarted?.(running.gateway);
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'stopping');
      running.stop().then(resolve, (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

export interface Serving {
  gateway: RunningGateway;
  admin?: RunningAdminServer;
  stop(): Promise<void>;
}

export interface ServingOptions {
  /** A counter store in place of the configured one (the benchmark's memory counters only). */
  counters?: (clock: Clock) => CounterStore;
}

export async function startServing(config: GatewayConfig, listen: ListenAddress, logger: Logger, options: ServingOptions = {}): Promise<Serving> {
  const clock = clockWithTestOffset(systemClock, process.env);
  const stores = openEmbeddedStores(config.dataDir, clock, logger);
  const counters = options.counters ? options.counters(clock) : await openCounterStore(config, stores, clock, logger);
  // With `state:`, approvals and grants are shared by every replica through Redis.
  const shared = config.state ? await openShared(config.state, clock, logger) : undefined;
  // Every request authenticates; the cache answers for tokens it has seen until a revoke (016).
  const grantStore = createCachedGrantStore({ store: shared?.grants ?? stores.grants, clock });
  const grants = config.auth === 'grants' ? grantStore : undefined;
  const approvals = setUpApprovals(config.approvals, {
    store: shared?.approvals ?? stores.approvals,
    audit: stores.audit,
    ...(grants ? { grants } : {}),
    ...(shared?.decisions ? { decisions: shared.decisions } : {}),
    clock,
    logger,
  });
  let gateway: RunningGateway | undefined;
  try {
    gateway = await startGateway(
      {
        config,
        counters,
        audit: stores.audit,
        grants,
        approvals: approvals.queue,
        catalog: stores.catalog,
        clock,
        logger,
      },
      listen,
    );
    const admin = config.admin ? await startAdminServer({ token: config.admin.token, approvals: approvals.queue, logger }, config.admin.listen) : undefined;
    const running = gateway;
    return {
      gateway: running,
      ...(admin ? { admin } : {}),
      stop: async () => {
        // Held calls are answered "pending" first (their approvals stay in the store), so the
        // gateway's stop does not wait out a hold.
        await approvals.close();
        await admin?.close();
        await running.stop();
        await shared?.close();
        stores.close();
      },
    };
  } catch (error) {
    await approvals.close();
    await gateway?.stop();
    if (!gateway) await counters.close();
    await shared?.close();
    stores.close();
    throw error;
  }
}

async function openShared(state: StateConfig, clock: Clock, logger: Logger): Promise<SharedStores> {
  const { stores, ready } = await openSharedStores(state, { clock, logger, subscribe: true });
  if (!ready) logger.error({ keyPrefix: state.keyPrefix }, 'redis shared state is not reachable yet; grant checks and approvals are refused until it is');
  return stores;
}

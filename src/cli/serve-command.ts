// `toolgate serve -c toolgate.yaml [--listen host:port]`: run the gateway until SIGTERM or SIGINT.
import type { Command } from 'commander';
import { notConfiguredApprovals } from '../approvals/approval-hook.js';
import { isLoopbackHost, parseListen, type GatewayConfig, type ListenAddress } from '../config/gateway-config.js';
import { loadConfig } from '../config/load-config.js';
import { startGateway, type RunningGateway } from '../gateway/gateway.js';
import { systemClock } from '../lib/clock.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { DEFAULT_CONFIG_FILE, runCommand, type CommandIo } from './command-support.js';
import { openEmbeddedStores } from './open-stores.js';

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
): Promise<void> {
  const logger = createLogger();
  const running = await startServing(config, listen, logger);
  io.out(`toolgate listening on ${running.gateway.url}\n`);
  for (const name of running.gateway.runtimes.keys()) io.out(`  ${name}: ${running.gateway.url}/mcp/${name}\n`);
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

export async function startServing(config: GatewayConfig, listen: ListenAddress, logger: Logger): Promise<{ gateway: RunningGateway; stop(): Promise<void> }> {
  const stores = openEmbeddedStores(config.dataDir, systemClock, logger);
  try {
    const gateway = await startGateway(
      {
        config,
        counters: stores.counters,
        audit: stores.audit,
        grants: config.auth === 'grants' ? stores.grants : undefined,
        approvals: notConfiguredApprovals,
        clock: systemClock,
        logger,
      },
      listen,
    );
    return {
      gateway,
      stop: async () => {
        await gateway.stop();
        stores.close();
      },
    };
  } catch (error) {
    stores.close();
    throw error;
  }
}

// Benchmark-only entry point: `toolgate serve` with the counters in memory instead of SQLite, for the
// counter-backend rows. The config has no setting that selects memory counters (`state:` only knows
// Redis), so this mirrors src/cli/serve-command.ts `startServing` with one change: the counter store.
// Everything else (SQLite audit, grants, approvals, catalog, logger, HTTP) is the gateway's own code.
// Usage: node dist/bench/memory-counters-serve.js -c <config> --listen 127.0.0.1:0
import { setUpApprovals } from '../src/cli/approval-setup.js';
import { openEmbeddedStores } from '../src/cli/open-stores.js';
import { parseListen } from '../src/config/gateway-config.js';
import { loadConfig } from '../src/config/load-config.js';
import { startGateway } from '../src/gateway/gateway.js';
import { clockWithTestOffset, systemClock } from '../src/lib/clock.js';
import { createLogger } from '../src/lib/logger.js';
import { createMemoryCounterStore } from '../src/state/memory-counter-store.js';

function option(args: readonly string[], name: string): string {
  const index = args.indexOf(name);
  const value = index >= 0 ? args[index + 1] : undefined;
  if (value === undefined) throw new Error(`memory-counters-serve: missing ${name} <value>`);
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const config = await loadConfig(option(args, '-c'));
  if (config.state) throw new Error('memory-counters-serve: the config sets `state:`; this entry point keeps counters in memory');
  const listen = parseListen(option(args, '--listen'));
  if (!listen) throw new Error('memory-counters-serve: --listen must be host:port');
  const logger = createLogger();
  const clock = clockWithTestOffset(systemClock, process.env);
  const stores = openEmbeddedStores(config.dataDir, clock, logger);
  await stores.counters.close(); // the SQLite counter store is opened with the rest; it is not used here
  const counters = createMemoryCounterStore({ clock });
  const grants = config.auth === 'grants' ? stores.grants : undefined;
  const approvals = setUpApprovals(config.approvals, { store: stores.approvals, audit: stores.audit, ...(grants ? { grants } : {}), clock, logger });
  const gateway = await startGateway(
    { config, counters, audit: stores.audit, grants, approvals: approvals.queue, catalog: stores.catalog, clock, logger },
    listen,
  );
  // The same line `toolgate serve` prints, so the benchmark finds the address the same way.
  process.stdout.write(`toolgate listening on ${gateway.url}\n`);
  const stop = (): void => {
    void (async () => {
      await approvals.close();
      await gateway.stop();
      stores.close();
    })().catch((error: unknown) => logger.error({ err: error }, 'stop failed'));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

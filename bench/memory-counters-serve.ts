// Benchmark-only entry point: `toolgate serve` with the counters in memory instead of SQLite, for the
// counter-backend rows. The config has no setting that selects memory counters (`state:` only knows
// Redis), so this runs serve's own `serveUntilSignal` with the one override it takes: the counter
// store. Everything else (grant cache, SQLite audit, grants, approvals, catalog, logger, HTTP) is
// exactly what `toolgate serve` runs.
// Usage: node dist/bench/memory-counters-serve.js -c <config> --listen 127.0.0.1:0
import { serveUntilSignal } from '../src/cli/serve-command.js';
import { parseListen } from '../src/config/gateway-config.js';
import { loadConfig } from '../src/config/load-config.js';
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
  const io = { out: (text: string) => void process.stdout.write(text), err: (text: string) => void process.stderr.write(text) };
  await serveUntilSignal(config, listen, io, undefined, { counters: (clock) => createMemoryCounterStore({ clock }) });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

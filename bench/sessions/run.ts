// `node dist/bench/sessions/run.js [--quick]`: issue 7 target 4. With 1,000 idle sessions held open
// against toolgate (over a Streamable HTTP upstream, and over a stdio upstream with `shared: true`),
// the gateway's resident memory must grow by less than 100 MB and an active client's p99 stay within
// 2 × its value with no other session. Writes bench/results/sessions.json and sessions.md; exits 1
// when a judged upstream misses a target or could not be measured.
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/helpers/paths.js';
import { describeMachine, preambleLines, runHeader } from '../machine.js';
import { killAllTracked, livingTracked, onAbort, trackDescendants } from '../processes.js';
import { showWarningsOnce } from '../warnings.js';
import { runScenario, UPSTREAM_KINDS, type ScenarioResult } from './scenario.js';
import { readSessionsConfig, sessionsMethodLines } from './sessions-config.js';
import { formatSessionsText, writeSessionsResults, type SessionsReport } from './sessions-report.js';

const log = (line = ''): void => void process.stdout.write(`${line}\n`);

/** Ctrl-C, a kill or an uncaught error still ends every process this run started. */
function installCleanupHandlers(): void {
  const abort = (code: number): void => {
    killAllTracked();
    process.exit(code);
  };
  onAbort('sessions bench', abort);
  process.stdout.on('error', () => abort(1)); // e.g. piped into `head`, which closed
}

async function main(): Promise<void> {
  const started = Date.now();
  showWarningsOnce();
  const config = readSessionsConfig();
  const machine = describeMachine();
  const method = sessionsMethodLines(config);
  installCleanupHandlers();
  for (const line of preambleLines('toolgate sessions benchmark', method, machine)) log(line);

  const scenarios: ScenarioResult[] = [];
  for (const kind of UPSTREAM_KINDS) {
    log(`Upstream ${kind}:`);
    scenarios.push(await runScenario(kind, config, log));
    trackDescendants(process.pid);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const leftoverProcesses = livingTracked();
  killAllTracked();

  const report: SessionsReport = {
    ...runHeader(started, machine, config, method),
    scenarios,
    leftoverProcesses,
  };
  log();
  log(formatSessionsText(report));
  const files = writeSessionsResults(report, join(REPO_ROOT, 'bench', 'results'));
  log();
  log(`Wrote ${files.json} and ${files.markdown}`);
  if (scenarios.some((result) => result.judged && !result.pass)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error('sessions bench failed:', error);
  killAllTracked();
  process.exitCode = 1;
});

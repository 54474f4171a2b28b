// `npm run bench` (`-- --quick` for a short run): latency and throughput of toolgate against the bare
// server, supergateway and mcp-proxy (same stdio server, interleaved rounds), toolgate with its
// counters in memory, SQLite and Redis, plus the policy engine's decisions per second.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../test/helpers/paths.js';
import { methodLines, readBenchConfig, type BenchConfig } from './bench-config.js';
import { compareCounterBackends } from './counter-backends.js';
import { runCounterStoreBench } from './counter-store-bench.js';
import { runEngineBench, type EngineBenchResult } from './engine-bench.js';
import { checkIssueGoals } from './issue-goals.js';
import { describeMachine, preambleLines, runHeader, type MachineInfo } from './machine.js';
import { summarize } from './measure.js';
import { killAllTracked, livingTracked, onAbort, trackDescendants } from './processes.js';
import { computeRatios, formatText, writeResults, type BenchReport, type TargetReport } from './report.js';
import { runRounds, startTarget, stopTargets, warmUp, type LiveTarget } from './rounds.js';
import type { SessionsReport } from './sessions/sessions-report.js';
import { benchTargets } from './targets.js';
import { showWarningsOnce } from './warnings.js';

const log = (line = ''): void => void process.stdout.write(`${line}\n`);

function engineSummary(engine: EngineBenchResult): string[] {
  return engine.scenarios.map((scenario) => `  ${scenario.name}: ${Math.round(scenario.decisionsPerSecond).toLocaleString('en-US')} decisions/s`);
}

/** Ends every process of the run however it stops: Ctrl-C, a kill, or an uncaught error. */
function installCleanupHandlers(targets: readonly LiveTarget[], cancel: AbortController): void {
  const abort = (code: number): void => {
    if (cancel.signal.aborted) return;
    cancel.abort();
    void stopTargets(targets).finally(() => {
      killAllTracked();
      process.exit(code);
    });
  };
  onAbort('bench', abort);
}

function toReport(live: LiveTarget): TargetReport {
  const base = { name: live.definition.name, setup: live.definition.setup, ...(live.running ? { endpoint: live.running.endpoint } : {}) };
  const startSeconds = live.startMs === undefined ? {} : { startSeconds: Math.round(live.startMs / 100) / 10 };
  if (live.skipped !== undefined) return { ...base, status: 'skipped', reason: live.skipped };
  if (live.sequential.length === 0 || live.concurrent.length === 0) {
    return { ...base, ...startSeconds, status: 'unavailable', reason: live.failure ?? 'no measurement' };
  }
  const sequential = summarize(live.sequential, 'p50');
  const concurrent = summarize(live.concurrent, 'callsPerSecond');
  const errors = sequential.errors + concurrent.errors;
  const firstError = [...live.sequential, ...live.concurrent].find((sample) => sample.firstError !== undefined)?.firstError;
  // A target that broke mid-run keeps the rounds it completed, and says why it stopped.
  const reason = live.failure ?? (errors > 0 ? `${errors} calls failed, e.g. ${firstError ?? '?'}` : undefined);
  return {
    ...base,
    ...startSeconds,
    status: live.failure === undefined ? 'ok' : 'failed',
    ...(reason !== undefined ? { reason } : {}),
    sequential,
    concurrent,
  };
}

async function measureTargets(config: BenchConfig, targets: LiveTarget[], stop: AbortSignal): Promise<number> {
  log('Starting targets:');
  for (const live of targets) if (!stop.aborted) await startTarget(live, config.concurrency, log);
  trackDescendants(process.pid); // every server process started so far, wherever it sits in the tree
  log('Warm-up:');
  await warmUp(targets, config, log, stop);
  log('Rounds:');
  await runRounds(targets, config, log, stop);
  trackDescendants(process.pid);
  log('Stopping targets…');
  await stopTargets(targets);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const leftover = livingTracked();
  killAllTracked();
  return leftover;
}

async function main(): Promise<void> {
  const started = Date.now();
  showWarningsOnce();
  let config: BenchConfig;
  try {
    config = readBenchConfig();
  } catch (error) {
    // A wrong option or variable: the message says which; a stack trace would not help.
    console.error(`bench: ${(error as Error).message}`);
    process.exitCode = 2;
    return;
  }
  const machine: MachineInfo = describeMachine();
  const definitions = benchTargets({ redisUrl: config.redisUrl, ...(config.only ? { only: config.only } : {}) });
  const method = methodLines(config, definitions);
  for (const line of preambleLines('toolgate benchmark', method, machine)) log(line);

  log('Policy engine alone…');
  const engine = runEngineBench({ sampleMs: config.engineSampleMs, samples: config.engineSamples });
  for (const line of engineSummary(engine)) log(line);
  log();
  log('Counter stores alone (reserve + commit, in this process)…');
  const counterStores = await runCounterStoreBench({ calls: config.quick ? 500 : 2000, samples: 5, redisUrl: config.redisUrl });
  for (const result of counterStores) log(`  ${result.backend}: ${result.skipped ? `skipped: ${result.skipped}` : `${result.microsPerCall!.toFixed(1)} µs per call (CPU ${result.cpuMicrosPerCall!.toFixed(1)} µs)`}`);
  log();

  const targets: LiveTarget[] = definitions.map((definition) => ({ definition, clients: [], sequential: [], concurrent: [] }));
  const cancel = new AbortController();
  installCleanupHandlers(targets, cancel);
  let leftoverProcesses: number;
  try {
    leftoverProcesses = await measureTargets(config, targets, cancel.signal);
  } catch (error) {
    await stopTargets(targets);
    killAllTracked();
    throw error;
  }

  const reports = targets.map(toReport);
  const counterBackends = compareCounterBackends(reports);
  const report: BenchReport = {
    ...runHeader(started, machine, config, method),
    targets: reports,
    ratios: computeRatios(reports),
    engine,
    counterBackends,
    counterStores,
    goals: checkIssueGoals(reports, engine, counterBackends, readRecentSessions(join(REPO_ROOT, 'bench', 'results', 'sessions.json'), started)),
    leftoverProcesses,
  };
  log();
  log(formatText(report));
  const files = writeResults(report, join(REPO_ROOT, 'bench', 'results'));
  log();
  log(`Wrote ${files.json}, ${files.markdown} and ${files.chart}`);
  if (reports.find((target) => target.name === 'toolgate')?.status !== 'ok') process.exitCode = 1;
}

/** The sessions run `npm run bench` made just before this one (at most 30 minutes earlier): target 4. */
function readRecentSessions(file: string, started: number): SessionsReport | undefined {
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8')) as SessionsReport;
  return started - Date.parse(report.generatedAt) < 30 * 60_000 ? report : undefined;
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  killAllTracked();
  process.exitCode = 1;
});

// One upstream kind measured end to end, in rounds so that drift on a shared machine hits both
// phases alike: each round times the active client with no other session, opens the idle sessions,
// times it again with them open, and closes them. Resident memory is judged on the first round (a
// fresh gateway); later rounds' readings follow V8's heap high-water mark more than the sessions.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { EVERYTHING_SERVER } from '../../test/helpers/paths.js';
import { connectHttp } from '../connect.js';
import { sequentialBatch, summarize, type BatchSample, type Stats } from '../measure.js';
import { processCpuMs } from '../process-cpu.js';
import { trackDescendants } from '../processes.js';
import { startEverythingHttp, type EverythingHttp } from './everything-http.js';
import { describeGatewayConfig, startGateway, type GatewayProcess, type GatewayUpstream } from './gateway-process.js';
import { createIdleSessions } from './idle-sessions.js';
import { residentMB, sampleResident } from './resident-memory.js';
import type { SessionsConfig } from './sessions-config.js';

/** The first two are issue 7 target 4; the third (HTTP with `shared: true`) is shown for comparison. */
export type UpstreamKind = 'streamable-http' | 'stdio-shared' | 'streamable-http-shared';
export const UPSTREAM_KINDS: readonly UpstreamKind[] = ['streamable-http', 'stdio-shared', 'streamable-http-shared'];
export const JUDGED_KINDS: ReadonlySet<UpstreamKind> = new Set(['streamable-http', 'stdio-shared']);

export const RSS_GROWTH_LIMIT_MB = 100;
export const P99_RATIO_LIMIT = 2;

export interface RoundFigures {
  baselineP99: number;
  loadedP99: number;
  opened: number;
  openSeconds: number;
  /** Largest RSS reading in the pause after the sessions opened, and after they were deleted. */
  rssOpenMB: number;
  rssClosedMB: number;
}

export interface ScenarioResult {
  upstream: UpstreamKind;
  judged: boolean;
  setup: string;
  status: 'ok' | 'failed';
  reason?: string;
  /** Every round's calls pooled. */
  baseline?: Stats;
  loaded?: Stats;
  rounds: RoundFigures[];
  /** Round 1: before = no idle session; afterOpen = the sessions open; growth = afterOpen − before (judged). */
  gatewayRss: { beforeMB?: number; afterOpenMB?: number; growthMB?: number; afterCallsMB?: number };
  /** The gateway's CPU (/proc stat): per call of the active client over all rounds, and per second
   *  while nothing but the idle sessions is going on (round 1's RSS readings). */
  gatewayCpu: { baselineMsPerCall?: number; loadedMsPerCall?: number; idleMsPerSecond?: number; idleWithSessionsMsPerSecond?: number };
  /** server-everything's own RSS over Streamable HTTP (not judged: not the gateway's memory). */
  upstreamRss?: { beforeMB: number; afterOpenMB: number };
  failedToOpen: number;
  firstOpenError?: string;
  /** The fewest streams still open right after a round's loaded calls. */
  streamsHeldMin?: number;
  streamBytes: number;
  deleteFailures: number;
  firstDeleteError?: string;
  p99Ratio?: number;
  rssPass?: boolean;
  latencyPass?: boolean;
  pass: boolean;
}

type Log = (line: string) => void;

const round1 = (value: number): number => Math.round(value * 10) / 10;

function checked(sample: BatchSample, what: string): BatchSample {
  if (sample.errors > 0) throw new Error(`${what}: ${sample.errors} of ${sample.calls} calls failed, e.g. ${sample.firstError ?? '?'}`);
  return sample;
}

const p99Of = (sample: BatchSample): number => summarize([sample], 'p50').p99;

export function scenarioSetup(kind: UpstreamKind): string {
  return describeGatewayConfig(kind === 'stdio-shared' ? 'stdio-shared' : 'http', kind !== 'streamable-http');
}

interface Live {
  upstream?: EverythingHttp;
  gateway?: GatewayProcess;
  client?: Client;
}

async function start(kind: UpstreamKind, live: Live): Promise<GatewayProcess> {
  let upstream: GatewayUpstream;
  if (kind === 'stdio-shared') {
    upstream = { kind: 'stdio-shared', command: [process.execPath, EVERYTHING_SERVER, 'stdio'] };
  } else {
    live.upstream = await startEverythingHttp();
    upstream = { kind: 'http', url: live.upstream.url, shared: kind === 'streamable-http-shared' };
  }
  live.gateway = await startGateway(`toolgate (${kind})`, upstream);
  live.client = await connectHttp(live.gateway.endpoint, { Authorization: `Bearer ${live.gateway.token}` });
  trackDescendants(process.pid);
  return live.gateway;
}

type Samples = { baseline: BatchSample[]; loaded: BatchSample[]; baselineCpuMs: number; loadedCpuMs: number };

/** The calls, kept in `samples` with the gateway CPU they cost. */
async function timedBatch(live: Live, calls: number, samples: Samples, key: 'baseline' | 'loaded', what: string): Promise<BatchSample> {
  const before = processCpuMs(live.gateway!.pid);
  const sample = checked(await sequentialBatch(live.client!, calls), what);
  samples[key === 'baseline' ? 'baselineCpuMs' : 'loadedCpuMs'] += processCpuMs(live.gateway!.pid) - before;
  samples[key].push(sample);
  return sample;
}

/** An RSS reading (settledRss), with the gateway's CPU per second over the same window. */
async function readRssAndCpu(pid: number, config: SessionsConfig): Promise<{ rssMB: number; cpuMsPerSecond: number }> {
  const cpuBefore = processCpuMs(pid);
  const started = performance.now();
  const rssMB = await settledRss(pid, config);
  return { rssMB, cpuMsPerSecond: Math.round(((processCpuMs(pid) - cpuBefore) / ((performance.now() - started) / 1000)) * 10) / 10 };
}

/** One round: baseline calls, open the sessions, loaded calls, close them. Round 0 also reads RSS for the verdict. */
async function runRound(n: number, config: SessionsConfig, live: Live, result: ScenarioResult, samples: Samples, log: Log): Promise<void> {
  const gateway = live.gateway!;
  const calls = Math.ceil(config.calls / config.rounds);
  const baseline = await timedBatch(live, calls, samples, 'baseline', `round ${n + 1} baseline`);
  if (n === 0) {
    const quiet = await readRssAndCpu(gateway.pid, config);
    result.gatewayRss.beforeMB = quiet.rssMB;
    result.gatewayCpu.idleMsPerSecond = quiet.cpuMsPerSecond;
  }
  const upstreamBefore = live.upstream ? residentMB(live.upstream.child.pid) : NaN;
  const idle = createIdleSessions({ endpoint: gateway.endpoint, token: gateway.token, count: config.sessions, parallel: config.parallel });
  try {
    const opened = await idle.open();
    result.failedToOpen += opened.failed;
    if (opened.firstError !== undefined) result.firstOpenError ??= opened.firstError;
    const withSessions = await readRssAndCpu(gateway.pid, config);
    const rssOpenMB = withSessions.rssMB;
    if (n === 0) {
      result.gatewayRss.afterOpenMB = rssOpenMB;
      result.gatewayCpu.idleWithSessionsMsPerSecond = withSessions.cpuMsPerSecond;
      if (live.upstream) result.upstreamRss = { beforeMB: round1(upstreamBefore), afterOpenMB: round1(residentMB(live.upstream.child.pid)) };
    }
    const loaded = await timedBatch(live, calls, samples, 'loaded', `round ${n + 1} with ${opened.opened} sessions open`);
    const held = idle.streamsOpen();
    result.streamsHeldMin = Math.min(result.streamsHeldMin ?? held, held);
    if (n === 0) result.gatewayRss.afterCallsMB = round1(residentMB(gateway.pid));
    result.streamBytes += idle.streamBytes();
    const closed = await idle.close();
    result.deleteFailures += closed.failed;
    if (closed.firstError !== undefined) result.firstDeleteError ??= closed.firstError;
    const figures: RoundFigures = {
      baselineP99: p99Of(baseline), loadedP99: p99Of(loaded), opened: opened.opened, openSeconds: opened.seconds, rssOpenMB,
      rssClosedMB: await settledRss(gateway.pid, config),
    };
    result.rounds.push(figures);
    log(`    round ${n + 1}: baseline p99 ${figures.baselineP99.toFixed(2)} ms; ${opened.opened} sessions opened in ${opened.seconds.toFixed(1)} s` +
      `${opened.failed > 0 ? ` (${opened.failed} failed: ${opened.firstError ?? '?'})` : ''}, RSS ${rssOpenMB} MB; loaded p99 ${figures.loadedP99.toFixed(2)} ms, ` +
      `${held} streams held; deleted, RSS ${figures.rssClosedMB} MB`);
  } finally {
    await idle.close().catch(() => undefined);
  }
}

/** The largest RSS reading over `rssSampleMs`, after a `settleMs` pause. */
async function settledRss(pid: number, config: SessionsConfig): Promise<number> {
  await pause(config.settleMs);
  return round1((await sampleResident(pid, config.rssSampleMs)).maxMB);
}

function judge(result: ScenarioResult, config: SessionsConfig, samples: Samples): void {
  result.baseline = summarize(samples.baseline, 'p50');
  result.loaded = summarize(samples.loaded, 'p50');
  result.gatewayCpu.baselineMsPerCall = Math.round((samples.baselineCpuMs / result.baseline.calls) * 1000) / 1000;
  result.gatewayCpu.loadedMsPerCall = Math.round((samples.loadedCpuMs / result.loaded.calls) * 1000) / 1000;
  const rss = result.gatewayRss;
  rss.growthMB = round1(rss.afterOpenMB! - rss.beforeMB!);
  result.p99Ratio = Math.round((result.loaded.p99 / result.baseline.p99) * 100) / 100;
  result.rssPass = rss.growthMB < RSS_GROWTH_LIMIT_MB;
  result.latencyPass = result.p99Ratio <= P99_RATIO_LIMIT;
  const allHeld = result.failedToOpen === 0 && result.streamsHeldMin === config.sessions;
  if (!allHeld) result.reason = `${result.failedToOpen} session opens failed (${result.firstOpenError ?? '-'}); as few as ${result.streamsHeldMin ?? 0} of ${config.sessions} streams were still open after the loaded calls`;
  result.pass = result.rssPass && result.latencyPass && allHeld;
}

export async function runScenario(kind: UpstreamKind, config: SessionsConfig, log: Log): Promise<ScenarioResult> {
  const result: ScenarioResult = {
    upstream: kind, judged: JUDGED_KINDS.has(kind), setup: scenarioSetup(kind), status: 'ok', rounds: [], gatewayRss: {}, gatewayCpu: {},
    failedToOpen: 0, streamBytes: 0, deleteFailures: 0, pass: false,
  };
  const live: Live = {};
  try {
    const gateway = await start(kind, live);
    log(`  gateway pid ${gateway.pid} at ${gateway.endpoint}`);
    checked(await sequentialBatch(live.client!, config.warmupCalls), 'warm-up');
    const samples: Samples = { baseline: [], loaded: [], baselineCpuMs: 0, loadedCpuMs: 0 };
    for (let n = 0; n < config.rounds; n++) await runRound(n, config, live, result, samples, log);
    judge(result, config, samples);
  } catch (error) {
    result.status = 'failed';
    result.reason = (error as Error).message.replace(/\s+/g, ' ').slice(0, 500);
    const output = live.gateway?.child.output();
    if (output) result.reason += ` (gateway output: ${output.replace(/\s+/g, ' ').slice(-300)})`;
  } finally {
    await live.client?.close().catch(() => undefined);
    await live.gateway?.stop();
    await live.upstream?.child.stop();
  }
  return result;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

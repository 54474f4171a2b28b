// How big a sessions run is (BENCH_SESSIONS, BENCH_SESSION_CALLS, BENCH_SESSION_ROUNDS, or fewer
// calls and rounds with --quick) and the method text printed before it.
import { positiveInt } from '../bench-config.js';
import { BENCH_TOOL } from '../measure.js';

export interface SessionsConfig {
  /** A short run for development: figures are indicative only. */
  quick: boolean;
  /** Idle sessions held open next to the active client (issue 7 target 4: 1,000). */
  sessions: number;
  /** Sequential calls of the active client per phase (with and without the idle sessions), over all rounds. */
  calls: number;
  /** Rounds of (baseline calls, open the sessions, loaded calls, close them). */
  rounds: number;
  warmupCalls: number;
  /** Idle sessions being opened at once. */
  parallel: number;
  /** Pause before resident memory is read, after sessions open or calls end. */
  settleMs: number;
  /** Resident memory is read every 100 ms for this long; the largest reading counts. */
  rssSampleMs: number;
}

const QUICK = { calls: 400, rounds: 2, warmup: 50 };

export function readSessionsConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): SessionsConfig {
  const unknown = argv.filter((arg) => arg !== '--quick');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown.join(' ')}; the only option is --quick (BENCH_SESSIONS, BENCH_SESSION_CALLS and BENCH_SESSION_ROUNDS set the size, see docs/benchmarks.md)`);
  const quick = argv.includes('--quick') || env['BENCH_QUICK'] === '1';
  return {
    quick,
    sessions: positiveInt(env, 'BENCH_SESSIONS', 1_000),
    calls: positiveInt(env, 'BENCH_SESSION_CALLS', quick ? QUICK.calls : 2_000),
    rounds: positiveInt(env, 'BENCH_SESSION_ROUNDS', quick ? QUICK.rounds : 4),
    warmupCalls: quick ? QUICK.warmup : 300,
    parallel: 32,
    settleMs: 2_000,
    rssSampleMs: 2_000,
  };
}

export function sessionsMethodLines(c: SessionsConfig): string[] {
  const perRound = Math.ceil(c.calls / c.rounds);
  return [
    ...(c.quick ? ['QUICK RUN (--quick): few calls and rounds; do not quote these figures.'] : []),
    `Upstreams, each behind a gateway of its own: server-everything over Streamable HTTP (node <server> streamableHttp, its own process) ` +
      `with the default per-session upstreams (toolgate opens one upstream session per client session); server-everything over stdio with ` +
      `shared: true (one child, one connection for every session); and, for comparison only (not judged), the HTTP upstream with shared: true.`,
    `Gateway: node dist/src/cli/main.js serve -c <temp config> --listen 127.0.0.1:0 as its own process; auth grants (bearer token from ` +
      `toolgate grants create), SQLite data dir, audit on, policy default deny + "${BENCH_TOOL}" limited to 1e9 calls/minute per grant.`,
    `Active client: the official SDK 1.x Client over Streamable HTTP, connected for the whole run; tools/call "${BENCH_TOOL}" with a fresh ` +
      `message, one after the other, every reply checked. ${c.warmupCalls} warm-up calls first.`,
    `Idle sessions: ${c.sessions} raw node:http sessions (lighter than ${c.sessions} SDK clients in this process): POST initialize, POST ` +
      `notifications/initialized, then GET with Accept: text/event-stream held open and drained; ${c.parallel} opened at once; ended with DELETE.`,
    `Rounds: ${c.rounds}, each: ${perRound} calls with no other session (baseline) → open ${c.sessions} sessions → ${c.settleMs / 1000} s pause ` +
      `→ ${perRound} calls with them open (loaded) → DELETE them. p50/p99 are nearest rank over all rounds pooled ` +
      `(${perRound * c.rounds} calls per phase), so drift on the machine hits both phases alike.`,
    `RSS: VmRSS of the gateway process from /proc/<pid>/status, read every 100 ms for ${c.rssSampleMs / 1000} s after a ` +
      `${c.settleMs / 1000} s pause, largest reading kept (its GC cannot be forced from outside). Judged on round 1: before = after the ` +
      `baseline calls, no idle session; after = the ${c.sessions} sessions open. MB = 10^6 bytes. Later rounds' readings are printed too; they follow V8's heap high-water mark (leaks: see heap-census.js).`,
    `Pass: RSS growth < 100 MB, loaded p99 ≤ 2 × baseline p99, every session opened and still open after the loaded calls, no call failed.`,
    `The bench process, the gateway and the upstream share this machine's cores (and with whatever else runs on it: see the load).`,
  ];
}

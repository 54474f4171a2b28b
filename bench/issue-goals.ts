// The targets of issue 7 checked against this run's figures: met, missed (by how much), or not
// measured here. "Peers" are the plain proxies (supergateway, mcp-proxy); the direct connection is
// the floor, not a peer.
import type { CounterBackendReport } from './counter-backends.js';
import type { EngineBenchResult } from './engine-bench.js';
import type { TargetReport } from './report.js';
import type { SessionsReport } from './sessions/sessions-report.js';

export interface GoalCheck {
  id: number;
  goal: string;
  measured: string;
  /** `partly measured`: what was measured is met, but a part was skipped (e.g. no Redis). */
  verdict: 'met' | 'missed' | 'not measured' | 'partly measured';
}

const PEERS = new Set(['supergateway', 'mcp-proxy']);
const ENGINE_GOAL = 1_000_000;

const f2 = (value: number): string => value.toFixed(2);
const rate = (value: number): string => Math.round(value).toLocaleString('en-US');

function best(peers: readonly TargetReport[], pick: (t: TargetReport) => number, lowest: boolean): { name: string; value: number } | undefined {
  let found: { name: string; value: number } | undefined;
  for (const peer of peers) {
    const value = pick(peer);
    if (Number.isNaN(value)) continue;
    if (!found || (lowest ? value < found.value : value > found.value)) found = { name: peer.name, value };
  }
  return found;
}

function latencyGoals(gate: TargetReport | undefined, peers: readonly TargetReport[], label: string): GoalCheck[] {
  const goal1 = `${label}: sequential p50 ≤ 0.85 × the faster peer's p50, and p99 ≤ the lower peer p99`;
  const goal2 = `${label}: calls/s at N clients ≥ the faster peer's`;
  if (!gate?.sequential || !gate.concurrent || gate.status !== 'ok' || peers.length === 0) {
    const why = gate?.status !== 'ok' ? 'toolgate was not measured' : 'no peer was measured';
    return [
      { id: 1, goal: goal1, measured: why, verdict: 'not measured' },
      { id: 2, goal: goal2, measured: why, verdict: 'not measured' },
    ];
  }
  const p50 = best(peers, (t) => t.sequential!.p50, true)!;
  const p99 = best(peers, (t) => t.sequential!.p99, true)!;
  const cps = best(peers, (t) => t.concurrent!.callsPerSecond, false)!;
  const g = gate.sequential;
  const p50Ok = g.p50 <= 0.85 * p50.value;
  const p99Ok = g.p99 <= p99.value;
  const cpsOk = gate.concurrent.callsPerSecond >= cps.value;
  return [
    {
      id: 1,
      goal: goal1,
      measured:
        `p50 ${f2(g.p50)} ms vs 0.85 × ${f2(p50.value)} = ${f2(0.85 * p50.value)} (${p50.name}) ${p50Ok ? 'ok' : `over by ${f2(g.p50 - 0.85 * p50.value)} ms`}; ` +
        `p99 ${f2(g.p99)} vs ${f2(p99.value)} (${p99.name}) ${p99Ok ? 'ok' : `over by ${f2(g.p99 - p99.value)} ms`}`,
      verdict: p50Ok && p99Ok ? 'met' : 'missed',
    },
    {
      id: 2,
      goal: goal2,
      measured: `${rate(gate.concurrent.callsPerSecond)} vs ${rate(cps.value)} (${cps.name}): ${f2(gate.concurrent.callsPerSecond / cps.value)}×`,
      verdict: cpsOk ? 'met' : 'missed',
    },
  ];
}

/** Target 4, from the sessions run `npm run bench` makes first (bench/sessions/run.ts). */
function sessionsGoal(sessions: SessionsReport | undefined): GoalCheck {
  const goal = '1,000 open sessions: RSS growth < 100 MB, active p99 ≤ 2×';
  if (!sessions) return { id: 4, goal, measured: 'no sessions run in this invocation (node dist/bench/sessions/run.js)', verdict: 'not measured' };
  const judged = sessions.scenarios.filter((scenario) => scenario.judged);
  const measured = judged
    .map((s) => `${s.upstream}: ${s.status !== 'ok' ? `failed (${s.reason ?? '?'})` : `RSS +${s.gatewayRss.growthMB?.toFixed(1)} MB, p99 ${s.p99Ratio?.toFixed(2)}× → ${s.pass ? 'pass' : 'fail'}`}`)
    .join('; ');
  return { id: 4, goal, measured: `${measured} (sessions run of ${sessions.generatedAt})`, verdict: judged.length > 0 && judged.every((s) => s.pass) ? 'met' : 'missed' };
}

export function checkIssueGoals(targets: readonly TargetReport[], engine: EngineBenchResult, counters: CounterBackendReport, sessions?: SessionsReport): GoalCheck[] {
  const gate = targets.find((t) => t.name === 'toolgate');
  const shared = targets.find((t) => t.name === 'toolgate-shared');
  const peers = targets.filter((t) => PEERS.has(t.name) && t.status === 'ok' && t.sequential && t.concurrent);
  const varied = engine.scenarios.find((s) => s.name === 'varied');
  const judged = counters.comparisons.filter((c) => c.limitMs !== undefined);
  const counterChecks = judged.map((c) => `${c.backend} − memory ${c.differenceMs === undefined ? `skipped (${c.reason ?? ''})` : `${(c.differenceMs * 1000).toFixed(0)} µs (≤ ${c.limitMs! * 1000} µs: ${c.verdict})`}`);
  const measuredBoth = judged.filter((c) => c.verdict !== 'skipped');
  return [
    ...latencyGoals(gate, peers, 'toolgate (a server process per session)'),
    // mcp-proxy runs one server process for every session; `shared: true` is toolgate's same setup.
    ...(shared ? latencyGoals(shared, peers, 'toolgate, shared: true (one server process, as mcp-proxy)') : []),
    {
      id: 3,
      goal: `policy engine alone ≥ ${rate(ENGINE_GOAL)} decisions/s (varied calls, one core)`,
      measured: varied ? `${rate(varied.decisionsPerSecond)} decisions/s` : 'not run',
      verdict: !varied ? 'not measured' : varied.decisionsPerSecond >= ENGINE_GOAL ? 'met' : 'missed',
    },
    sessionsGoal(sessions),
    {
      id: 5,
      goal: 'counters: SQLite − memory p50 ≤ 0.05 ms; Redis − memory ≤ 0.2 ms',
      measured: counterChecks.join('; '),
      verdict:
        measuredBoth.length === 0
          ? 'not measured'
          : measuredBoth.some((c) => c.verdict === 'fail')
            ? 'missed'
            : measuredBoth.length < judged.length
              ? 'partly measured'
              : 'met',
    },
  ];
}

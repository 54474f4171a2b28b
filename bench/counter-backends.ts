// Issue 7 target 5: what the counter store costs per call. toolgate ran several ways in the same
// interleaved rounds (counters in memory, SQLite, Redis, Redis without leases); the difference of
// their sequential p50s against memory is compared with the limits (SQLite ≤ 0.05 ms, Redis ≤ 0.2 ms;
// Redis without leases, one round trip per call, is shown for reference).
import { median } from './measure.js';
import type { TargetReport } from './report.js';
import type { TargetName } from './targets.js';

export type Backend = 'memory' | 'sqlite' | 'redis' | 'redis-no-leases';

export interface BackendRow {
  backend: Backend;
  target: TargetName;
  status: TargetReport['status'];
  reason?: string;
  p50?: number;
  p99?: number;
}

export interface BackendComparison {
  backend: Exclude<Backend, 'memory'>;
  /** Undefined for a reference row (no target of the issue's). */
  limitMs?: number;
  /** Pooled p50 of the backend minus pooled p50 with memory counters. */
  differenceMs?: number;
  /** Median over rounds of (backend p50 − memory p50) in the same round: less moved by drift. */
  pairedMedianMs?: number;
  verdict: 'pass' | 'fail' | 'skipped' | 'reference';
  reason?: string;
}

export interface CounterBackendReport {
  rows: BackendRow[];
  comparisons: BackendComparison[];
}

const TARGET_OF: Record<Backend, TargetName> = { memory: 'toolgate-memory', sqlite: 'toolgate', redis: 'toolgate-redis', 'redis-no-leases': 'toolgate-redis-no-leases' };
const LIMIT_MS: Partial<Record<Backend, number>> = { sqlite: 0.05, redis: 0.2 };

function whyMissing(target: TargetReport | undefined, name: TargetName): string {
  if (!target) return `${name} was not run (BENCH_TARGETS)`;
  return `${name} ${target.status}${target.reason ? `: ${target.reason}` : ''}`;
}

export function compareCounterBackends(targets: readonly TargetReport[]): CounterBackendReport {
  const byName = new Map(targets.map((target) => [target.name, target]));
  const rows: BackendRow[] = (['memory', 'sqlite', 'redis', 'redis-no-leases'] as const).map((backend) => {
    const target = byName.get(TARGET_OF[backend]);
    return {
      backend,
      target: TARGET_OF[backend],
      status: target?.status ?? 'skipped',
      ...(target?.reason !== undefined ? { reason: target.reason } : target ? {} : { reason: 'not run (BENCH_TARGETS)' }),
      ...(target?.sequential ? { p50: target.sequential.p50, p99: target.sequential.p99 } : {}),
    };
  });
  const memory = byName.get('toolgate-memory');
  const comparisons = (['sqlite', 'redis', 'redis-no-leases'] as const).map((backend): BackendComparison => {
    const other = byName.get(TARGET_OF[backend]);
    const limitMs = LIMIT_MS[backend];
    const limit = limitMs === undefined ? {} : { limitMs };
    if (memory?.status !== 'ok' || !memory.sequential) return { backend, ...limit, verdict: 'skipped', reason: whyMissing(memory, 'toolgate-memory') };
    if (other?.status !== 'ok' || !other.sequential) return { backend, ...limit, verdict: 'skipped', reason: whyMissing(other, TARGET_OF[backend]) };
    const differenceMs = other.sequential.p50 - memory.sequential.p50;
    const rounds = Math.min(other.sequential.perRound.length, memory.sequential.perRound.length);
    const perRound = Array.from({ length: rounds }, (_, i) => other.sequential!.perRound[i]! - memory.sequential!.perRound[i]!);
    return {
      backend,
      ...limit,
      differenceMs,
      ...(rounds > 0 ? { pairedMedianMs: median(perRound) } : {}),
      verdict: limitMs === undefined ? 'reference' : differenceMs <= limitMs ? 'pass' : 'fail',
    };
  });
  return { rows, comparisons };
}

const ms = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? '-' : value.toFixed(3));

/** Rows for a table: backend, target, p50, p99, difference vs memory, limit, verdict. */
export function counterBackendTable(report: CounterBackendReport): { headers: string[]; rows: string[][] } {
  const comparison = new Map(report.comparisons.map((c) => [c.backend, c]));
  const rows = report.rows.map((row) => {
    if (row.status !== 'ok' && row.p50 === undefined) return [row.backend, row.target, `${row.status}: ${row.reason ?? ''}`];
    const c = row.backend === 'memory' ? undefined : comparison.get(row.backend);
    const difference = c?.differenceMs === undefined ? (c ? `- (${c.reason ?? c.verdict})` : '(baseline)') : `${c.differenceMs >= 0 ? '+' : ''}${ms(c.differenceMs)}`;
    const paired = c?.pairedMedianMs === undefined ? '-' : `${c.pairedMedianMs >= 0 ? '+' : ''}${ms(c.pairedMedianMs)}`;
    const verdict = !c ? '' : c.verdict === 'skipped' ? 'skipped' : c.limitMs === undefined ? '(for reference)' : `${c.verdict.toUpperCase()} (≤ ${c.limitMs} ms)`;
    return [row.backend, row.target, ms(row.p50), ms(row.p99), difference, paired, verdict];
  });
  return { headers: ['counters', 'target', 'p50 ms', 'p99 ms', 'p50 − memory', 'median per round', 'target 5'], rows };
}

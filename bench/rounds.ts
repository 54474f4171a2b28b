// Starts the targets, warms them up, then runs interleaved rounds: in each round the targets take
// turns at sequential calls in slices of SLICE_CALLS (so drift within a round hits them alike), then
// each runs a concurrent batch in turn; the order is rotated round by round.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { concurrentBatch, sequentialBatch, type BatchSample } from './measure.js';
import { TargetSkipped } from './target-skipped.js';
import type { RunningTarget, TargetDefinition } from './targets.js';

export interface RoundsConfig {
  /** Sequential calls per target per round. */
  callsPerRound: number;
  rounds: number;
  /** Clients in the throughput phase. */
  concurrency: number;
  /** Calls each of those clients makes per round. */
  callsPerClient: number;
  /** Sequential calls per target before measuring (plus a few calls on every client). */
  warmupCalls: number;
}

export interface LiveTarget {
  readonly definition: TargetDefinition;
  running?: RunningTarget;
  /** `concurrency` connected clients; the first also runs the sequential batches. */
  clients: Client[];
  sequential: BatchSample[];
  concurrent: BatchSample[];
  /** Milliseconds to start the target and connect every client. */
  startMs?: number;
  /** Why the target could not be started, or stopped answering. */
  failure?: string;
  /** Why the target was not run at all (e.g. no Redis on this machine): not a failure of the target. */
  skipped?: string;
}

async function connectPool(running: RunningTarget, count: number, clients: Client[]): Promise<void> {
  // A few at a time: each connection may spawn a server process, and the machine is small.
  for (let i = 0; i < count; i += 4) {
    const batch = await Promise.allSettled(Array.from({ length: Math.min(4, count - i) }, () => running.connect()));
    for (const result of batch) if (result.status === 'fulfilled') clients.push(result.value);
    const failed = batch.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/** Starts one target and connects its clients; a failure is recorded on the target, never thrown. */
export async function startTarget(live: LiveTarget, concurrency: number, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  try {
    live.running = await live.definition.start();
    await connectPool(live.running, concurrency, live.clients);
    live.startMs = performance.now() - started;
    log(`  ${live.definition.name}: ready at ${live.running.endpoint} (${concurrency} clients, ${(live.startMs / 1000).toFixed(1)} s)`);
  } catch (error) {
    if (error instanceof TargetSkipped) {
      live.skipped = error.message;
      log(`  ${live.definition.name}: SKIPPED — ${live.skipped}`);
      return;
    }
    live.failure = `could not start: ${(error as Error).message}`;
    log(`  ${live.definition.name}: UNAVAILABLE — ${live.failure}`);
  }
}

/** More than one call in ten failing means the target broke: it leaves the run, its figures are not compared. */
function checkBatch(live: LiveTarget, sample: BatchSample, phase: string): void {
  const attempted = sample.latencies.length + sample.errors;
  if (sample.errors * 10 <= attempted) return;
  live.failure = `${phase}: ${sample.errors} of ${attempted} calls failed: ${sample.firstError ?? 'unknown error'}`;
}

export async function warmUp(targets: readonly LiveTarget[], config: RoundsConfig, log: (line: string) => void, stop?: AbortSignal): Promise<void> {
  for (const live of targets) {
    if (stop?.aborted) return;
    if (live.failure !== undefined || live.clients.length === 0) continue;
    const sequential = await sequentialBatch(live.clients[0]!, config.warmupCalls);
    checkBatch(live, sequential, 'warm-up');
    if (live.failure === undefined) checkBatch(live, await concurrentBatch(live.clients, 10), 'warm-up');
    const status = live.failure ?? (sequential.errors > 0 ? `${sequential.errors} errors: ${sequential.firstError}` : 'ok');
    log(`  ${live.definition.name}: warm-up ${status}`);
  }
}

/** Sequential calls a target makes before the next one takes its turn. */
export const SLICE_CALLS = 50;

/** The slice sizes that make up one round's `calls` sequential calls. */
export function slices(calls: number, size = SLICE_CALLS): number[] {
  const sizes: number[] = [];
  for (let left = calls; left > 0; left -= size) sizes.push(Math.min(size, left));
  return sizes;
}

function appendSample(into: BatchSample, sample: BatchSample): void {
  into.latencies.push(...sample.latencies);
  into.wallMs += sample.wallMs;
  into.calls += sample.calls;
  into.errors += sample.errors;
  if (sample.firstError !== undefined) into.firstError ??= sample.firstError;
}

export function rotated<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** Stops early, between batches, once `stop` is aborted (Ctrl-C). */
export async function runRounds(targets: readonly LiveTarget[], config: RoundsConfig, log: (line: string) => void, stop?: AbortSignal): Promise<void> {
  for (let round = 0; round < config.rounds && !stop?.aborted; round++) {
    const order = rotated(targets.filter((live) => live.failure === undefined && live.clients.length > 0), round);
    const started = performance.now();
    const roundSamples = new Map(order.map((live) => [live, { latencies: [], wallMs: 0, calls: 0, errors: 0 } as BatchSample]));
    for (const size of slices(config.callsPerRound)) {
      for (const live of order) {
        if (stop?.aborted) return;
        if (live.failure !== undefined) continue;
        const sample = roundSamples.get(live)!;
        appendSample(sample, await sequentialBatch(live.clients[0]!, size));
        checkBatch(live, sample, `round ${round + 1} sequential`);
      }
    }
    for (const live of order) if (roundSamples.get(live)!.calls > 0) live.sequential.push(roundSamples.get(live)!);
    for (const live of order) {
      if (stop?.aborted) return;
      if (live.failure !== undefined) continue;
      const sample = await concurrentBatch(live.clients, config.callsPerClient);
      live.concurrent.push(sample);
      checkBatch(live, sample, `round ${round + 1} concurrent`);
    }
    const names = order.map((live) => live.definition.name).join(' → ');
    log(`  round ${round + 1}/${config.rounds}: ${names} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}

/** Closes every client, then stops every target; never throws. */
export async function stopTargets(targets: readonly LiveTarget[]): Promise<void> {
  await Promise.allSettled(targets.flatMap((live) => live.clients.map((client) => client.close())));
  await Promise.allSettled(targets.map((live) => live.running?.stop()));
}

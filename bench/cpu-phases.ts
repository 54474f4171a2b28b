// Two measured phases on connected clients, after a warm-up: calls in sequence on one client, then
// all clients at once. Each phase records its CLOCK_MONOTONIC window (to cut a CPU profile to it),
// its p50, and the CPU per call of the proxy process, its server processes and this process.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { concurrentBatch, percentile, sequentialBatch, type BatchSample } from './measure.js';
import { cpuPerCall, type CpuPerCall, type CpuSnapshot } from './process-cpu.js';

export interface Phase {
  name: string;
  /** process.hrtime in µs: the same clock as a .cpuprofile's timestamps. */
  fromUs: number;
  toUs: number;
  calls: number;
  p50Ms: number;
  cpuPerCall: CpuPerCall;
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

function checked(sample: BatchSample, phase: string): BatchSample {
  if (sample.errors > 0) throw new Error(`${phase}: ${sample.errors} calls failed, e.g. ${sample.firstError ?? '?'}`);
  return sample;
}

export async function runPhases(clients: readonly Client[], calls: number, snapshot: () => CpuSnapshot): Promise<Phase[]> {
  checked(await sequentialBatch(clients[0]!, 500), 'warm-up');
  checked(await concurrentBatch(clients, 20), 'warm-up');
  const phases: Phase[] = [];
  const measure = async (name: string, count: number, work: () => Promise<BatchSample>): Promise<void> => {
    const before = snapshot();
    const fromUs = nowUs();
    const sample = checked(await work(), name);
    const toUs = nowUs();
    const p50Ms = percentile([...sample.latencies].sort((a, b) => a - b), 50);
    phases.push({ name, fromUs, toUs, calls: count, p50Ms, cpuPerCall: cpuPerCall(before, snapshot(), count) });
  };
  await measure('sequential', calls, () => sequentialBatch(clients[0]!, calls));
  const perClient = Math.ceil(calls / clients.length);
  await measure(`concurrent-${clients.length}`, perClient * clients.length, () => concurrentBatch(clients, perClient));
  return phases;
}

export function phaseLine(phase: Phase, proxyLabel = 'gateway'): string {
  const cpu = phase.cpuPerCall;
  const seconds = (phase.toUs - phase.fromUs) / 1e6;
  return (
    `${phase.name}: ${phase.calls} calls in ${seconds.toFixed(1)} s (${Math.round(phase.calls / seconds)} calls/s), p50 ${phase.p50Ms.toFixed(2)} ms; ` +
    `CPU per call: ${proxyLabel} ${cpu.proxyUs} µs, server processes ${cpu.serversUs} µs, bench clients ${cpu.benchUs} µs`
  );
}

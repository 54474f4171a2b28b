// A process's resident memory, read from /proc/<pid>/status (VmRSS; Linux only). The gateway's
// garbage collector cannot be triggered from outside, so a figure is the largest of several readings.
import { readFileSync } from 'node:fs';

/** Decimal megabytes (10^6 bytes), as the target's "100 MB" reads; VmRSS itself is in KiB. */
const MB = 1_000_000;

/** VmRSS of `pid` in MB (10^6 bytes), or NaN when the process is gone or /proc is missing. */
export function residentMB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? (Number(match[1]) * 1024) / MB : NaN;
  } catch {
    return NaN;
  }
}

export interface ResidentSample {
  /** The largest reading, in MB: what the target is judged on. */
  maxMB: number;
  minMB: number;
  readings: number;
}

/** Reads VmRSS every `everyMs` for `forMs` and keeps the largest and smallest readings. */
export async function sampleResident(pid: number, forMs = 2_000, everyMs = 100): Promise<ResidentSample> {
  const values: number[] = [];
  const end = Date.now() + forMs;
  for (;;) {
    const value = residentMB(pid);
    if (!Number.isNaN(value)) values.push(value);
    if (Date.now() >= end) break;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  if (values.length === 0) throw new Error(`cannot read /proc/${pid}/status: the gateway process is gone (or this is not Linux)`);
  return { maxMB: Math.max(...values), minMB: Math.min(...values), readings: values.length };
}

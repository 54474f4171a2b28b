// CPU time used by processes (user + system, from /proc/<pid>/stat; Linux only), to split what one
// call costs between the proxy process (toolgate's gateway, or a peer), its upstream server
// processes, and the benchmark's own clients.
import { statFields } from './processes.js';

/** Clock ticks per second of /proc's utime and stime (CLK_TCK, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU milliseconds `pid` has used so far (0 if it is gone). */
export function processCpuMs(pid: number): number {
  const fields = statFields(pid);
  // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name.
  return fields ? ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND : 0;
}

/** CPU milliseconds of this very process, at microsecond precision. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export interface CpuSnapshot {
  /** The proxy process alone (0 for the direct target, which has none). */
  proxyMs: number;
  serversMs: number;
  benchMs: number;
}

export function cpuSnapshot(proxyPid: number, serverPids: readonly number[]): CpuSnapshot {
  return {
    proxyMs: processCpuMs(proxyPid),
    serversMs: serverPids.reduce((sum, pid) => sum + processCpuMs(pid), 0),
    benchMs: ownCpuMs(),
  };
}

export interface CpuPerCall {
  proxyUs: number;
  serversUs: number;
  benchUs: number;
}

/** CPU µs per call of each part between two snapshots (/proc counts in 10 ms ticks: use thousands of calls). */
export function cpuPerCall(before: CpuSnapshot, after: CpuSnapshot, calls: number): CpuPerCall {
  const per = (a: number, b: number): number => Math.round(((b - a) * 1000) / calls);
  return { proxyUs: per(before.proxyMs, after.proxyMs), serversUs: per(before.serversMs, after.serversMs), benchUs: per(before.benchMs, after.benchMs) };
}

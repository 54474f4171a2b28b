// Where the gateway's memory per idle session goes: runs the gateway as run.ts does, with
// `--heapsnapshot-signal`, and takes a heap snapshot (which forces a full GC first) before and after
// the idle sessions open, and after they were deleted. Prints the RSS and JS heap growth per session,
// what is left once they are gone, and the constructors that grew most. node dist/bench/sessions/heap-census.js [--upstream streamable-http|stdio-shared] [--sessions N] [--depth N]
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVERYTHING_SERVER } from '../../test/helpers/paths.js';
import { killAllTracked, runTool } from '../processes.js';
import { startEverythingHttp, type EverythingHttp } from './everything-http.js';
import { startGateway, type GatewayProcess } from './gateway-process.js';
import { heapGrowth, summarizeHeapSnapshot } from './heap-summary.js';
import { createIdleSessions, type IdleSessions } from './idle-sessions.js';
import { sampleResident } from './resident-memory.js';

const log = (line = ''): void => void process.stdout.write(`${line}\n`);
const MB = 1_000_000;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

/** Signals the gateway and waits for the snapshot file to appear and stop growing. */
async function snapshot(gateway: GatewayProcess, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(gateway.pid, 'SIGUSR2');
  let file: string | undefined;
  let size = -1;
  for (let waited = 0; waited < 120_000; waited += 500) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    file ??= readdirSync(dir).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (!file) continue;
    const now = statSync(join(dir, file)).size;
    if (now === size && now > 0) return join(dir, file);
    size = now;
  }
  throw new Error(`no heap snapshot from the gateway in ${dir} within 120 s`);
}

async function main(): Promise<void> {
  const kind = option('--upstream', 'streamable-http');
  if (kind !== 'streamable-http' && kind !== 'stdio-shared') throw new Error(`--upstream must be streamable-http or stdio-shared, not ${kind}`);
  const count = Number(option('--sessions', '1000'));
  const depth = Number(option('--depth', '1'));
  if (!Number.isInteger(count) || count < 1) throw new Error(`--sessions must be a positive integer`);
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-heap-'));
  let upstream: EverythingHttp | undefined;
  let gateway: GatewayProcess | undefined;
  let idle: IdleSessions | undefined;
  try {
    upstream = kind === 'streamable-http' ? await startEverythingHttp() : undefined;
    const spec = upstream ? { kind: 'http' as const, url: upstream.url, shared: false } : { kind: 'stdio-shared' as const, command: [process.execPath, EVERYTHING_SERVER, 'stdio'] };
    gateway = await startGateway(`toolgate (${kind})`, spec, ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`]);
    // One session first, so what is created once (the upstream client code, the shared connection) is in both snapshots.
    const first = createIdleSessions({ endpoint: gateway.endpoint, token: gateway.token, count: 1, parallel: 1 });
    await first.open();
    const rssBefore = (await sampleResident(gateway.pid, 1_000)).maxMB;
    const before = summarizeHeapSnapshot(await snapshot(gateway, dir), depth);
    const rssAfterGcBefore = (await sampleResident(gateway.pid, 500)).maxMB;
    idle = createIdleSessions({ endpoint: gateway.endpoint, token: gateway.token, count, parallel: 32 });
    const opened = await idle.open();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const rssAfter = (await sampleResident(gateway.pid, 1_000)).maxMB;
    const after = summarizeHeapSnapshot(await snapshot(gateway, dir), depth);
    const rssAfterGcAfter = (await sampleResident(gateway.pid, 500)).maxMB;
    const per = (bytes: number): string => `${(bytes / opened.opened / 1000).toFixed(1)} KB/session`;
    log(`upstream ${kind}: ${opened.opened} sessions opened (${opened.failed} failed), ${idle.streamsOpen()} streams open`);
    log(`RSS (max over 1 s): ${rssBefore.toFixed(1)} → ${rssAfter.toFixed(1)} MB (+${(rssAfter - rssBefore).toFixed(1)} MB, ${per((rssAfter - rssBefore) * MB)})`);
    log(`RSS just after each snapshot's full GC: ${rssAfterGcBefore.toFixed(1)} → ${rssAfterGcAfter.toFixed(1)} MB`);
    const heapDelta = after.totalBytes - before.totalBytes;
    log(`live JS heap (snapshot total): ${(before.totalBytes / MB).toFixed(1)} → ${(after.totalBytes / MB).toFixed(1)} MB (+${(heapDelta / MB).toFixed(1)} MB, ${per(heapDelta)})`);
    await idle.close();
    idle = undefined;
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const closed = summarizeHeapSnapshot(await snapshot(gateway, dir), depth);
    log(`live JS heap 5 s after the sessions were deleted: ${(closed.totalBytes / MB).toFixed(1)} MB (${((closed.totalBytes - before.totalBytes) / MB).toFixed(1)} MB above the start)`);
    for (const group of heapGrowth(before, closed, 8, 'byOwner')) {
      log(`    still there: ${String(group.count).padStart(8)}  ${(group.bytes / MB).toFixed(2).padStart(7)} MB  ${group.name.slice(0, 100)}`);
    }
    log('');
    log('Largest growth by constructor (count, bytes, bytes per session):');
    for (const group of heapGrowth(before, after, 30)) {
      log(`  ${String(group.count).padStart(8)}  ${(group.bytes / MB).toFixed(2).padStart(7)} MB  ${(group.bytes / opened.opened).toFixed(0).padStart(6)} B/s  ${group.name.slice(0, 90)}`);
    }
    log('');
    log('Largest growth by owner (nearest retainer with a class of its own, everything below it counted):');
    for (const group of heapGrowth(before, after, 30, 'byOwner')) {
      log(`  ${String(group.count).padStart(8)}  ${(group.bytes / MB).toFixed(2).padStart(7)} MB  ${(group.bytes / opened.opened).toFixed(0).padStart(6)} B/s  ${group.name.slice(0, 110)}`);
    }
    log('');
    log(`Largest growth by constructor and its first ${depth} retainer(s):`);
    for (const group of heapGrowth(before, after, 40, 'byRetainer')) {
      log(`  ${String(group.count).padStart(8)}  ${(group.bytes / MB).toFixed(2).padStart(7)} MB  ${(group.bytes / opened.opened).toFixed(0).padStart(6)} B/s  ${group.name.slice(0, 110)}`);
    }
  } finally {
    if (idle) await idle.close();
    await gateway?.stop();
    await upstream?.child.stop();
    rmSync(dir, { recursive: true, force: true });
    killAllTracked();
  }
}

runTool('heap census', main);

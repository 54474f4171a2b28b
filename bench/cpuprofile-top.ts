// Reads a V8 .cpuprofile (node --cpu-prof) and prints where the time went: the top functions by self
// time, self time grouped by file (src/ files one by one, packages as a whole, native code by its
// caller's file), and inclusive time by file. Optionally only the samples inside a time window (the
// profile's clock is CLOCK_MONOTONIC in µs, the same as process.hrtime in another process) and per call.
// node dist/bench/cpuprofile-top.js FILE.cpuprofile [--from US] [--to US] [--calls N] [--top 25] [--callers FUNCTION [--depth 4]]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface TimeEntry {
  name: string;
  /** File, package or pseudo-frame the entry belongs to. */
  group: string;
  ms: number;
}

export interface ProfileSummary {
  windowMs: number;
  /** Sampled time that was not idle: the main thread's CPU (JS, native, GC). */
  busyMs: number;
  samples: number;
  calls?: number;
  topFunctions: TimeEntry[];
  selfByGroup: TimeEntry[];
  inclusiveByGroup: TimeEntry[];
  /** Functions of toolgate's own files (src/), by time on the stack: where its per-call work starts. */
  inclusiveSrcFunctions: TimeEntry[];
  /** With `callersOf`: the stacks (the leaf's callers, `callersDepth` deep) that spent time in that function. */
  callers?: TimeEntry[];
}

const PSEUDO = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** A file's place: `src/state/x.ts`, a package name, `node:internal/...`, or a pseudo-frame. */
export function groupOfUrl(url: string): string | undefined {
  if (url === '') return undefined;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const dist = /\/dist\/((?:src|bench|test|examples)\/.*)\.js$/.exec(url);
  if (dist) return `${dist[1]}.ts`;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

export interface SummaryOptions {
  fromUs?: number;
  toUs?: number;
  calls?: number;
  top?: number;
  /** A function name whose callers to list, `callersDepth` frames up (default 4). */
  callersOf?: string;
  callersDepth?: number;
}

export function summarizeProfile(profile: CpuProfile, options: SummaryOptions = {}): ProfileSummary {
  const top = options.top ?? 25;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // A node's group: its own file, or for native code (no url) "native ← <nearest caller's file>".
  const groupCache = new Map<number, string>();
  const groupOf = (id: number): string => {
    const cached = groupCache.get(id);
    if (cached !== undefined) return cached;
    const frame = byId.get(id)!.callFrame;
    let group = groupOfUrl(frame.url);
    if (group === undefined) {
      if (PSEUDO.has(frame.functionName)) group = frame.functionName;
      else {
        let up = parent.get(id);
        while (up !== undefined && groupOfUrl(byId.get(up)!.callFrame.url) === undefined) up = parent.get(up);
        group = `native ← ${up === undefined ? '?' : groupOfUrl(byId.get(up)!.callFrame.url)!}`;
      }
    }
    groupCache.set(id, group);
    return group;
  };

  const selfUs = new Map<number, number>();
  const inclusiveUs = new Map<string, number>();
  const srcFunctionUs = new Map<string, TimeEntry>();
  const callerUs = new Map<string, number>();
  const label = (node: number): string => {
    const frame = byId.get(node)!.callFrame;
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    return frame.url ? `${name}:${frame.lineNumber + 1}` : name;
  };
  let windowUs = 0;
  let idleUs = 0;
  let counted = 0;
  // timeDeltas[i] is the gap before sample i; the time up to the next sample is charged to sample i.
  let time = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i] ?? 0;
    const span = profile.timeDeltas[i + 1] ?? 0;
    if (options.fromUs !== undefined && time < options.fromUs) continue;
    if (options.toUs !== undefined && time >= options.toUs) continue;
    const id = profile.samples[i]!;
    counted++;
    windowUs += span;
    selfUs.set(id, (selfUs.get(id) ?? 0) + span);
    if (byId.get(id)!.callFrame.functionName === '(idle)') {
      idleUs += span;
      continue;
    }
    const seen = new Set<string>();
    const seenFunctions = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const group = groupOf(node);
      if (group === '(root)') continue;
      if (group.startsWith('src/')) {
        const key = `${label(node)}\u0000${group}`;
        if (!seenFunctions.has(key)) {
          seenFunctions.add(key);
          const entry = srcFunctionUs.get(key) ?? { name: label(node), group, ms: 0 };
          entry.ms += span / 1000;
          srcFunctionUs.set(key, entry);
        }
      }
      if (seen.has(group)) continue;
      seen.add(group);
      inclusiveUs.set(group, (inclusiveUs.get(group) ?? 0) + span);
    }
    if (options.callersOf !== undefined && byId.get(id)!.callFrame.functionName === options.callersOf) {
      const chain: string[] = [];
      for (let node = parent.get(id); node !== undefined && chain.length < (options.callersDepth ?? 4); node = parent.get(node)) chain.push(`${label(node)} (${groupOf(node)})`);
      const key = chain.join(' ← ');
      callerUs.set(key, (callerUs.get(key) ?? 0) + span);
    }
  }

  const functions = new Map<string, TimeEntry>();
  const groups = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    const group = groupOf(id);
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    const key = `${name}\u0000${group}\u0000${frame.lineNumber}`;
    const entry = functions.get(key) ?? { name: frame.url ? `${name}:${frame.lineNumber + 1}` : name, group, ms: 0 };
    entry.ms += us / 1000;
    functions.set(key, entry);
    groups.set(group, (groups.get(group) ?? 0) + us);
  }
  const sorted = (entries: Iterable<TimeEntry>): TimeEntry[] => [...entries].sort((a, b) => b.ms - a.ms).slice(0, top);
  return {
    windowMs: windowUs / 1000,
    busyMs: (windowUs - idleUs) / 1000,
    samples: counted,
    ...(options.calls !== undefined ? { calls: options.calls } : {}),
    topFunctions: sorted(functions.values()),
    selfByGroup: sorted([...groups].map(([group, us]) => ({ name: group, group, ms: us / 1000 }))),
    inclusiveByGroup: sorted([...inclusiveUs].map(([group, us]) => ({ name: group, group, ms: us / 1000 }))),
    inclusiveSrcFunctions: sorted(srcFunctionUs.values()),
    ...(options.callersOf !== undefined ? { callers: sorted([...callerUs].map(([chain, us]) => ({ name: chain, group: '', ms: us / 1000 }))) } : {}),
  };
}

function table(title: string, entries: readonly TimeEntry[], summary: ProfileSummary, withGroup: boolean): string[] {
  const perCall = summary.calls ? (ms: number): string => `${((ms * 1000) / summary.calls!).toFixed(1).padStart(7)} µs/call` : (): string => '';
  const lines = [title];
  for (const entry of entries) {
    const share = `${((entry.ms / Math.max(summary.busyMs, 1e-9)) * 100).toFixed(1).padStart(5)} %`;
    const label = withGroup ? `${entry.name}  (${entry.group})` : entry.name;
    lines.push(`  ${entry.ms.toFixed(1).padStart(8)} ms  ${share}  ${perCall(entry.ms)}  ${label}`);
  }
  return lines;
}

export function formatProfileSummary(summary: ProfileSummary): string {
  const calls = summary.calls;
  const head = [
    `window ${summary.windowMs.toFixed(0)} ms, ${summary.samples} samples; main thread busy ${summary.busyMs.toFixed(0)} ms ` +
      `(${((summary.busyMs / Math.max(summary.windowMs, 1e-9)) * 100).toFixed(0)} %)` +
      (calls ? `; ${calls} calls: ${((summary.busyMs * 1000) / calls).toFixed(0)} µs of gateway CPU per call` : ''),
    '(% of busy time; native code is charged to the file that called it)',
  ];
  return [
    ...head,
    '',
    ...table(`Top ${summary.topFunctions.length} functions by self time:`, summary.topFunctions, summary, true),
    '',
    ...table('Self time by file or package:', summary.selfByGroup, summary, false),
    '',
    ...table('Inclusive time by file or package (on the stack):', summary.inclusiveByGroup, summary, false),
    '',
    ...table("Inclusive time of toolgate's own functions (src/):", summary.inclusiveSrcFunctions, summary, true),
    ...(summary.callers ? ['', ...table('Callers (nearest first):', summary.callers, summary, false)] : []),
  ].join('\n');
}

function numberOption(args: readonly string[], name: string): number | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = Number(args[index + 1]);
  if (!Number.isFinite(value)) throw new Error(`${name} needs a number, not ${JSON.stringify(args[index + 1])}`);
  return value;
}

function main(args: readonly string[]): void {
  const file = args.find((arg, i) => !arg.startsWith('--') && (i === 0 || !args[i - 1]!.startsWith('--')));
  if (!file) throw new Error('usage: cpuprofile-top FILE.cpuprofile [--from US] [--to US] [--calls N] [--top 25] [--callers FUNCTION [--depth 4]]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const options = {
    ...(numberOption(args, '--from') !== undefined ? { fromUs: numberOption(args, '--from')! } : {}),
    ...(numberOption(args, '--to') !== undefined ? { toUs: numberOption(args, '--to')! } : {}),
    ...(numberOption(args, '--calls') !== undefined ? { calls: numberOption(args, '--calls')! } : {}),
    ...(numberOption(args, '--top') !== undefined ? { top: numberOption(args, '--top')! } : {}),
    ...(numberOption(args, '--depth') !== undefined ? { callersDepth: numberOption(args, '--depth')! } : {}),
    ...(args.includes('--callers') ? { callersOf: args[args.indexOf('--callers') + 1] ?? '' } : {}),
  };
  process.stdout.write(`${formatProfileSummary(summarizeProfile(profile, options))}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));

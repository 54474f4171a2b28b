// Turns the measurements into the printed table, the toolgate/peer ratios, the counter-backend rows
// and issue 7's targets, and the JSON, Markdown and SVG files under bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { counterBackendTable, type CounterBackendReport } from './counter-backends.js';
import type { CounterStoreResult } from './counter-store-bench.js';
import type { EngineBenchResult } from './engine-bench.js';
import type { GoalCheck } from './issue-goals.js';
import { latencyChartSvg, type ChartInput } from './latency-chart.js';
import { machineLines, type RunHeader } from './machine.js';
import type { Stats } from './measure.js';
import type { RoundsConfig } from './rounds.js';
import type { TargetName } from './targets.js';

export interface TargetReport {
  name: TargetName;
  setup: string;
  /** `failed`: it broke during the run; its figures are kept but not compared. `skipped`: not run
   *  on this machine (e.g. no Redis), with the reason. */
  status: 'ok' | 'failed' | 'unavailable' | 'skipped';
  reason?: string;
  endpoint?: string;
  startSeconds?: number;
  sequential?: Stats;
  concurrent?: Stats;
}

/** toolgate's figure divided by the peer's: above 1 for latency, or below 1 for calls/s, means toolgate is slower. */
export interface Ratio {
  peer: TargetName;
  p50: number;
  p99: number;
  callsPerSecond: number;
  concurrentCallsPerSecond: number;
}

export interface BenchReport extends RunHeader<RoundsConfig & { engineSampleMs: number; engineSamples: number; quick: boolean }> {
  targets: TargetReport[];
  ratios: Ratio[];
  engine: EngineBenchResult;
  counterBackends: CounterBackendReport;
  /** The counter stores alone, in process: µs per reserve + commit. */
  counterStores: CounterStoreResult[];
  goals: GoalCheck[];
  /** Processes of this run still alive after the orderly stop (then killed); 0 is right. */
  leftoverProcesses: number;
}

export function computeRatios(targets: readonly TargetReport[]): Ratio[] {
  const gate = targets.find((target) => target.name === 'toolgate');
  if (gate?.status !== 'ok' || !gate.sequential || !gate.concurrent) return [];
  const ratios: Ratio[] = [];
  for (const peer of targets) {
    // toolgate's own counter-backend variants are not peers: they have their own table.
    if (peer.name.startsWith('toolgate') || peer.status !== 'ok' || !peer.sequential || !peer.concurrent) continue;
    ratios.push({
      peer: peer.name,
      p50: gate.sequential.p50 / peer.sequential.p50,
      p99: gate.sequential.p99 / peer.sequential.p99,
      callsPerSecond: gate.sequential.callsPerSecond / peer.sequential.callsPerSecond,
      concurrentCallsPerSecond: gate.concurrent.callsPerSecond / peer.concurrent.callsPerSecond,
    });
  }
  return ratios;
}

const ms = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? '-' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const rate = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? '-' : Math.round(value).toLocaleString('en-US'));
const times = (value: number): string => `${value.toFixed(2)}x`;

function range(all: readonly number[], format: (value: number) => string): string {
  const values = all.filter((value) => !Number.isNaN(value));
  if (values.length === 0) return '-';
  return `${format(Math.min(...values))}–${format(Math.max(...values))}`;
}

const HEADERS = ['target', 'p50 ms', 'p99 ms', 'mean ms', 'calls/s', 'p50 range/round', `calls/s @N`, 'p50 @N', 'p99 @N', 'errors'];

function rows(report: BenchReport): string[][] {
  return report.targets.map((target) => {
    const seq = target.sequential;
    const conc = target.concurrent;
    if (!seq || !conc) return [target.name, `${target.status === 'skipped' ? 'skipped' : 'unavailable'}: ${target.reason ?? ''}`];
    return [
      target.status === 'ok' ? target.name : `${target.name} (${target.status})`,
      ms(seq.p50),
      ms(seq.p99),
      ms(seq.mean),
      rate(seq.callsPerSecond),
      range(seq.perRound, ms),
      rate(conc.callsPerSecond),
      ms(conc.p50),
      ms(conc.p99),
      String(seq.errors + conc.errors),
    ];
  });
}

function textTable(headers: readonly string[], body: readonly string[][]): string[] {
  const widths = headers.map((header, i) => Math.max(header.length, ...body.filter((row) => row.length === headers.length).map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map((row) => (row.length === headers.length ? line(row) : row.join('  ')))];
}

function engineRows(engine: EngineBenchResult): string[][] {
  return engine.scenarios.map((scenario) => {
    const total = Object.values(scenario.mix).reduce((sum, count) => sum + count, 0);
    const mix = Object.entries(scenario.mix)
      .map(([kind, count]) => `${kind} ${((count / total) * 100).toFixed(1)}%`)
      .join(', ');
    return [scenario.name, rate(scenario.decisionsPerSecond), range(scenario.samples, rate), mix];
  });
}

/** Why a target is missing, failed or had errors: the table has no room for it. */
function noteLines(report: BenchReport): string[] {
  return report.targets
    .filter((target) => target.status === 'failed' || (target.status === 'ok' && target.reason !== undefined))
    .map((target) => `${target.name}: ${target.status === 'failed' ? 'FAILED during the run, not compared' : 'note'}: ${target.reason ?? ''}`);
}

function ratioLines(report: BenchReport): string[] {
  if (report.ratios.length === 0) return ['(no ratios: toolgate or every peer was unavailable)'];
  return report.ratios.map(
    (ratio) =>
      `toolgate / ${ratio.peer.padEnd(12)}  p50 ${times(ratio.p50)}   p99 ${times(ratio.p99)}   calls/s ${times(ratio.callsPerSecond)}   calls/s @${report.config.concurrency} ${times(ratio.concurrentCallsPerSecond)}`,
  );
}

export function formatText(report: BenchReport): string {
  const n = String(report.config.concurrency);
  const headers = HEADERS.map((header) => header.replace('@N', `@${n}`));
  return [
    'Results: one client in sequence (p50/p99/mean/calls/s), and ' + `${n} clients at once (@${n})`,
    ...textTable(headers, rows(report)),
    ...noteLines(report),
    '',
    'Ratios (latency above 1x, or calls/s below 1x, means toolgate is slower than that peer):',
    ...ratioLines(report),
    '',
    `Policy engine alone (${report.engine.tools} tools, one thread):`,
    ...textTable(['scenario', 'decisions/s', 'samples min–max', 'decision mix'], engineRows(report.engine)),
    '',
    'Counter backends (issue 7 target 5; toolgate with its counters in memory, SQLite and Redis, and Redis without leases for reference; sequential p50, ms):',
    ...textTable(counterBackendTable(report.counterBackends).headers, counterBackendTable(report.counterBackends).rows),
    `Counter stores alone, in this process (wall µs per reserve + commit, one call after the other; CPU µs in brackets): ${counterStoreLine(report.counterStores)}`,
    '',
    'Issue 7 targets:',
    ...report.goals.map((goal) => `  ${goal.id}. [${goal.verdict.toUpperCase()}] ${goal.goal}: ${goal.measured}`),
    '',
    `Load average at end: ${report.loadAverageAtEnd.join(' / ')}; run took ${report.durationSeconds.toFixed(0)} s; leftover processes: ${report.leftoverProcesses}`,
  ].join('\n');
}

function mdTable(headers: readonly string[], body: readonly string[][]): string[] {
  const cells = (row: readonly string[]): string => `| ${row.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
  return [cells(headers), `|${headers.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...body.map((row) => cells(row.length === headers.length ? row : [...row, ...Array<string>(headers.length - row.length).fill('')]))];
}

export function formatMarkdown(report: BenchReport): string {
  const n = String(report.config.concurrency);
  const headers = HEADERS.map((header) => header.replace('@N', `@${n}`));
  return [
    `# toolgate benchmark — ${report.generatedAt}`,
    '',
    '## Machine',
    '',
    ...machineLines(report.machine).map((line) => `- ${line}`),
    `- Load at end: ${report.loadAverageAtEnd.join(' / ')}`,
    '',
    '## Method',
    '',
    ...report.method.map((line) => `- ${line}`),
    '',
    '## Results',
    '',
    ...mdTable(headers, rows(report)),
    '',
    `![Latency distributions of every target, one client and ${n} clients](${CHART_FILE})`,
    '',
    ...noteLines(report).flatMap((line, i, all) => (i === all.length - 1 ? [`- ${line}`, ''] : [`- ${line}`])),
    'Ratios toolgate / peer (latency above 1x, or calls/s below 1x, means toolgate is slower):',
    '',
    ...mdTable(
      ['peer', 'p50', 'p99', 'calls/s', `calls/s @${n}`],
      report.ratios.map((ratio) => [ratio.peer, times(ratio.p50), times(ratio.p99), times(ratio.callsPerSecond), times(ratio.concurrentCallsPerSecond)]),
    ),
    '',
    `## Policy engine alone (${report.engine.tools} tools, one thread)`,
    '',
    `Policy: ${report.engine.policySummary}.`,
    '',
    ...mdTable(['scenario', 'decisions/s', 'samples min–max', 'decision mix'], engineRows(report.engine)),
    '',
    ...report.engine.scenarios.map((scenario) => `- \`${scenario.name}\`: ${scenario.description}`),
    '',
    '## Counter backends (issue 7 target 5)',
    '',
    'toolgate with its counters in memory, in SQLite (the default) and in Redis, in the same interleaved rounds; sequential p50 and p99 in ms. ' +
      'SQLite and Redis serve the busy echo counter from leases, as they do by default (decision 019); Redis without leases (a round trip per call) is shown for reference. ' +
      '"median per round" pairs the rounds (same round, same machine state), so it moves less with drift than the pooled difference.',
    '',
    ...mdTable(counterBackendTable(report.counterBackends).headers, counterBackendTable(report.counterBackends).rows),
    '',
    `The stores alone, in the benchmark's process (wall-clock µs per reserve + commit of the bench policy's one counter, one call after the other, median of 5 samples; in brackets the CPU µs of the process, which other work on the machine does not inflate): ${counterStoreLine(report.counterStores)}.`,
    '',
    '## Issue 7 targets',
    '',
    ...mdTable(['#', 'target', 'measured', 'verdict'], report.goals.map((goal) => [String(goal.id), goal.goal, goal.measured, goal.verdict])),
    '',
    `Run took ${report.durationSeconds.toFixed(0)} s; processes left after the orderly stop: ${report.leftoverProcesses}.`,
    '',
  ].join('\n');
}

function counterStoreLine(results: readonly CounterStoreResult[]): string {
  return results.map((r) => `${r.backend} ${r.skipped ? `skipped (${r.skipped})` : `${r.microsPerCall!.toFixed(1)} µs (CPU ${r.cpuMicrosPerCall!.toFixed(1)} µs)`}`).join(', ');
}

/** Written next to latest.md, which links it. */
export const CHART_FILE = 'latency.svg';

export function chartInput(report: BenchReport): ChartInput {
  const m = report.machine;
  return {
    title: `toolgate benchmark: tools/call latency — ${m.cpuModel}, ${m.cores} cores`,
    subtitle: `${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}; ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC; ` +
      `${report.config.rounds} interleaved rounds${report.config.quick ? ' (QUICK RUN)' : ''}`,
    concurrency: report.config.concurrency,
    series: report.targets
      .filter((target) => target.sequential && target.concurrent)
      .map((target) => ({ name: target.name, sequential: target.sequential!.distribution, concurrent: target.concurrent!.distribution })),
  };
}

export function writeResults(report: BenchReport, dir: string): { json: string; markdown: string; chart: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'latest.json');
  const markdown = join(dir, 'latest.md');
  const chart = join(dir, CHART_FILE);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, formatMarkdown(report));
  writeFileSync(chart, latencyChartSvg(chartInput(report)));
  return { json, markdown, chart };
}

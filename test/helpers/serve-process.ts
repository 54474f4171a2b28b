// `toolgate serve` as a child process (a replica), started from a config object written to a file,
// and SDK clients connected to it. Used by the multi-replica and fault tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { TOOLGATE_CLI } from './paths.js';
import { waitFor } from './tool-calls.js';

export interface ServeProcess {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process logged so far (JSON lines). */
  stderr(): string;
  /** What it printed: where it listens (and its admin API, when configured). */
  stdout(): string;
  connect(server: string, token?: string): Promise<Client>;
  /** Closes its clients, then SIGTERM (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** Writes `config` as `<dir>/<name>.json` and runs `toolgate serve` on it with a free port. */
export async function startServeProcess(dir: string, name: string, config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ listen: '127.0.0.1:0', dataDir: join(dir, `${name}-data`), ...config }, null, 2));
  const child = spawn(process.execPath, [TOOLGATE_CLI, 'serve', '-c', file, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TOOLGATE_LOG_LEVEL: 'warn', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await waitFor(
    `${name} to listen`,
    () => {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${stderr}`);
      return /toolgate listening on (http:\/\/\S+)\n/.exec(stdout)?.[1];
    },
    15_000,
  );
  const clients: Client[] = [];
  return {
    url,
    child,
    stderr: () => stderr,
    stdout: () => stdout,
    connect: async (server, token) => {
      const client = new Client({ name: `${name}-client`, version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp/${server}`), { requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {} }));
      clients.push(client);
      return client;
    },
    stop: async () => {
      await Promise.allSettled(clients.map((client) => client.close()));
      if (child.exitCode === null && child.signalCode === null) {
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

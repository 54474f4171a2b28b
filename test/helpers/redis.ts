// Redis for tests: the shared server on 127.0.0.1:6379 (or $TOOLGATE_TEST_REDIS_URL) with a fresh key
// prefix per run, and private redis-server children for fault tests. Without Redis, Redis tests
// are skipped with one line saying why, unless CI=true, where a missing Redis fails the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { freePort } from './spawn-http-server.js';

export const TEST_REDIS_URL = process.env['TOOLGATE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses. */
export function randomKeyPrefix(label = 'test'): string {
  return `toolgate-test:${label}:${randomBytes(6).toString('hex')}:`;
}

/** undefined when Redis at `url` answers PING, else why not (for a "skipped: …" line). */
export async function redisUnreachableReason(url: string, connectTimeoutMs = 1_000): Promise<string | undefined> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: connectTimeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The socket's own error (e.g. ECONNREFUSED) says more than the rejected command ("Connection is closed.").
  let socketError: string | undefined;
  client.on('error', (error: Error) => void (socketError ??= error.message));
  try {
    await client.connect();
    const pong = await client.ping();
    return pong === 'PONG' ? undefined : `Redis at ${url} answered PING with ${JSON.stringify(pong)}`;
  } catch (error) {
    return `Redis at ${url} is not reachable (${socketError ?? (error as Error).message})`;
  } finally {
    client.disconnect();
  }
}

async function reachable(url: string): Promise<boolean> {
  return (await redisUnreachableReason(url)) === undefined;
}

/**
 * Whether this file's Redis tests should run. When Redis is unreachable it registers the one test
 * that reports it: skipped (with the reason) normally, failing under CI=true.
 */
export async function requireRedis(url = TEST_REDIS_URL): Promise<boolean> {
  if (await reachable(url)) return true;
  const reason = `Redis is not reachable at ${url}; start it (redis-server --port 6379) to run these tests`;
  if (process.env['CI'] === 'true') {
    test('Redis is reachable (required when CI=true)', () => {
      throw new Error(reason);
    });
  } else {
    test('Redis tests', { skip: reason }, () => undefined);
  }
  return false;
}

/** A plain client for assertions and cleanup. */
export function redisClient(url = TEST_REDIS_URL): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  return client;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(client: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await client.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

export interface RedisServerChild {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGSTOP: Redis keeps its connections but answers nothing (a hung or very slow Redis). */
  pause(): void;
  /** SIGCONT: Redis answers again, working through what queued up meanwhile. */
  resume(): void;
  /** SIGTERM and wait for the exit (with `persistDir`, the append-only file is kept). */
  stop(): Promise<void>;
}

/**
 * Starts a private redis-server on a free port, never the shared one. With `persistDir` it keeps an
 * append-only file there (fsync on every write), so a stopped and restarted server still has its keys.
 */
export async function startRedisServer(options: { port?: number; persistDir?: string } = {}): Promise<RedisServerChild> {
  const port = options.port ?? (await freePort());
  const persistence = options.persistDir
    ? ['--dir', options.persistDir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
    : ['--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no', ...persistence], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (!(await reachable(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    url,
    child,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}

/** Every key under `prefix` with its contents, minus TTLs: equal snapshots mean no counter moved. */
export async function snapshotKeys(client: Redis, prefix: string): Promise<Record<string, unknown>> {
  const snapshot: Record<string, unknown> = {};
  let cursor = '0';
  const keys: string[] = [];
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  for (const key of keys.sort()) {
    const type = await client.type(key);
    if (type === 'string') snapshot[key] = await client.get(key);
    else if (type === 'zset') snapshot[key] = await client.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'list') snapshot[key] = await client.lrange(key, 0, -1);
    else snapshot[key] = type;
  }
  return snapshot;
}

// Redis plumbing shared by the Redis-backed stores (counters, approvals, grants): a fail-fast command
// connection, Lua scripts run by SHA with a NOSCRIPT fallback, and a deadline on every operation.
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../lib/logger.js';

export interface RedisScript {
  source: string;
  sha: string;
}

export function redisScript(source: string): RedisScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

export interface RedisConnectionOptions {
  url: string;
  /** The longest one operation may take before it fails (fail closed, never hang). */
  timeoutMs: number;
  /** Named in log lines, e.g. "redis shared state". */
  label: string;
  logger?: Logger;
}

/** Connection errors are logged at most this often. */
const ERROR_LOG_INTERVAL_MS = 5_000;

export class RedisDeadlineError extends Error {
  override readonly name = 'RedisDeadlineError';
}

export interface RedisConnection {
  readonly redis: Redis;
  readonly timeoutMs: number;
  /** Runs a script (EVALSHA, then EVAL if Redis lost its script cache), bounded by `timeoutMs`. */
  run(script: RedisScript, args: readonly string[]): Promise<unknown>;
  /** Any other work on `redis`, bounded by `timeoutMs`. */
  bounded<T>(work: Promise<T>): Promise<T>;
  /** Resolves true once connected, false if not within `withinMs` (it keeps retrying). */
  ready(withinMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const { timeoutMs, label } = options;
  const logger = options.logger ?? silentLogger;
  const redis = new Redis(options.url, {
    // No command waits for a missing connection or is replayed later.
    enableOfflineQueue: false,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(timeoutMs, 1_000),
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(50 * attempt, 1_000),
    // A socket that never connected must not keep a finished CLI command alive for 2 s.
    disconnectTimeout: 200,
  });
  watchErrors(redis, label, logger);

  function bounded<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisDeadlineError(`redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  async function evaluate(script: RedisScript, args: readonly string[]): Promise<unknown> {
    try {
      return await redis.evalsha(script.sha, 0, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(script.source, 0, ...args);
    }
  }

  let closed = false;
  return {
    redis,
    timeoutMs,
    run: (script, args) => bounded(evaluate(script, args)),
    bounded,
    ready: (withinMs = timeoutMs) => whenReady(redis, withinMs),
    close: async () => {
      if (closed) return;
      closed = true;
      if (redis.status !== 'ready') return redis.disconnect();
      try {
        await bounded(redis.quit());
      } catch {
        redis.disconnect();
      }
    },
  };
}

export function whenReady(redis: Redis, withinMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, withinMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}

/** Logs connection trouble once per interval, and the recovery once. */
export function watchErrors(redis: Redis, label: string, logger: Logger): void {
  let lastErrorLogAt = Number.NEGATIVE_INFINITY;
  let failing = false;
  redis.on('error', (error: Error) => {
    failing = true;
    const now = Date.now();
    if (now - lastErrorLogAt < ERROR_LOG_INTERVAL_MS) return;
    lastErrorLogAt = now;
    logger.error({ err: error.message }, `${label}: connection error`);
  });
  redis.on('ready', () => {
    if (failing) logger.warn(`${label}: reconnected`);
    failing = false;
  });
}

/** A Redis failure in words for an operator or an agent. */
export function describeRedisFailure(error: unknown, timeoutMs: number): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RedisDeadlineError || /timed out/i.test(message)) return `redis did not answer within ${timeoutMs} ms`;
  if (/writeable|enableOfflineQueue|Connection is closed/i.test(message)) return `redis is not connected (${message})`;
  return `redis: ${message}`;
}

/** The flat [field, value, …] reply of HGETALL (or a script) as a record. */
export function pairsToRecord(reply: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (!Array.isArray(reply)) return record;
  for (let i = 0; i + 1 < reply.length; i += 2) record[String(reply[i])] = String(reply[i + 1]);
  return record;
}

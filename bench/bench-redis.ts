// The Redis the `toolgate-redis` target uses: checks it answers before that target starts (else the
// row says "skipped" with the reason), and deletes the run's keys (a random prefix) afterwards.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const DEFAULT_BENCH_REDIS_URL = 'redis://127.0.0.1:6379';

/** A prefix no other user of the same Redis can have, so the run neither reads nor leaves their keys. */
export function randomKeyPrefix(): string {
  return `toolgate-bench-${randomBytes(6).toString('hex')}:`;
}

function connect(url: string): Redis {
  return new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2_000, enableOfflineQueue: false, retryStrategy: () => null });
}

/** undefined when Redis answers PING, else why not (for the "skipped: …" row). */
export async function redisUnreachableReason(url: string): Promise<string | undefined> {
  const redis = connect(url);
  // The socket's own error (e.g. ECONNREFUSED) says more than the rejected command ("Connection is closed.").
  let socketError: string | undefined;
  redis.on('error', (error: Error) => void (socketError ??= error.message));
  try {
    await redis.connect();
    const pong = await redis.ping();
    return pong === 'PONG' ? undefined : `Redis at ${url} answered PING with ${JSON.stringify(pong)}`;
  } catch (error) {
    return `Redis at ${url} is not reachable (${socketError ?? (error as Error).message})`;
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix`; returns how many. Never throws (a leftover key is not worth failing the run). */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<number> {
  const redis = connect(url);
  redis.on('error', () => undefined);
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) deleted += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // best effort
  } finally {
    redis.disconnect();
  }
  return deleted;
}

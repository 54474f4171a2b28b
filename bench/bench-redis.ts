// The Redis the `toolgate-redis` targets use: checks it answers before such a target starts (else the
// row says "skipped" with the reason), and deletes the run's keys (a random prefix) afterwards. The
// Redis plumbing is the tests' own (test/helpers/redis.ts).
import { deleteKeys, randomKeyPrefix as testKeyPrefix, redisClient, redisUnreachableReason as unreachable } from '../test/helpers/redis.js';

export const DEFAULT_BENCH_REDIS_URL = 'redis://127.0.0.1:6379';

/** A prefix no other user of the same Redis can have, so the run neither reads nor leaves their keys. */
export function randomKeyPrefix(): string {
  return testKeyPrefix('bench');
}

/** undefined when Redis answers PING, else why not (for the "skipped: …" row). */
export function redisUnreachableReason(url: string): Promise<string | undefined> {
  return unreachable(url, 2_000);
}

/** Deletes every key under `prefix`; returns how many. Never throws (a leftover key is not worth failing the run). */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<number> {
  const redis = redisClient(url);
  try {
    return await deleteKeys(redis, prefix);
  } catch {
    return 0; // best effort
  } finally {
    redis.disconnect();
  }
}

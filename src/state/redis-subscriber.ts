// One Redis pub/sub connection per process, shared by everything that listens (approval decisions,
// grant revocations). After every (re)subscribe it says so: messages sent while it was away are lost.
import { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../lib/logger.js';
import { watchErrors } from './redis-connection.js';

export interface RedisSubscriberOptions {
  url: string;
  /** Shown by CLIENT LIST (e.g. "toolgate-subscriber"). */
  name?: string;
  logger?: Logger;
}

export interface RedisSubscriber {
  /** Calls `listener` with each message published on `channel` (the full channel name). */
  listen(channel: string, listener: (message: string) => void): () => void;
  /** Called once the channels are subscribed, and again after each reconnect: re-read what matters. */
  onSubscribed(listener: () => void): () => void;
  /** Resolves true once subscribed, false if not within `withinMs`. */
  ready(withinMs: number): Promise<boolean>;
  /** Subscribed now; false from the moment the connection closes until it has subscribed again. */
  isLive(): boolean;
  close(): Promise<void>;
}

export function createRedisSubscriber(options: RedisSubscriberOptions): RedisSubscriber {
  const logger = options.logger ?? silentLogger;
  const listeners = new Map<string, Set<(message: string) => void>>();
  const subscribed = new Set<() => void>();
  const redis = new Redis(options.url, {
    // Subscribing is ours to do on every 'ready', so we know when the channels are live again.
    autoResubscribe: false,
    ...(options.name !== undefined ? { connectionName: options.name } : {}),
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(50 * attempt, 1_000),
    // A socket that never connected must not keep a finished CLI command alive for 2 s.
    disconnectTimeout: 200,
  });
  watchErrors(redis, 'redis subscriber', logger);
  let live = false;
  let closed = false;

  async function subscribeAll(): Promise<void> {
    const channels = [...listeners.keys()];
    try {
      if (channels.length > 0) await redis.subscribe(...channels);
      live = true;
      redis.emit('toolgate:subscribed');
      for (const listener of [...subscribed]) listener();
    } catch (error) {
      if (!closed) logger.warn({ err: (error as Error).message }, 'redis subscriber: subscribe failed; retrying on reconnect');
      resubscribeLater();
    }
  }

  /** A connection that is up but did not subscribe is dropped, so the next 'ready' subscribes again
   *  (a dropped one reconnects by itself). Without this, wake-ups would silently stop. */
  function resubscribeLater(): void {
    if (!closed && redis.status === 'ready') redis.disconnect(true);
  }

  redis.on('ready', () => void subscribeAll());
  redis.on('close', () => {
    live = false;
  });
  redis.on('message', (channel: string, message: string) => {
    for (const listener of [...(listeners.get(channel) ?? [])]) listener(message);
  });

  return {
    listen(channel, listener) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        if (redis.status === 'ready') {
          redis.subscribe(channel).catch((error: unknown) => {
            if (closed) return;
            logger.warn({ err: (error as Error).message, channel }, 'redis subscriber: subscribe failed; reconnecting');
            resubscribeLater();
          });
        }
      }
      set.add(listener);
      return () => set.delete(listener);
    },
    onSubscribed(listener) {
      subscribed.add(listener);
      return () => subscribed.delete(listener);
    },
    ready(withinMs) {
      if (live) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          redis.off('toolgate:subscribed', onLive);
          resolve(false);
        }, withinMs);
        const onLive = (): void => {
          clearTimeout(timer);
          resolve(true);
        };
        redis.once('toolgate:subscribed', onLive);
      });
    },
    isLive: () => live,
    close: async () => {
      if (closed) return;
      closed = true;
      redis.disconnect();
    },
  };
}

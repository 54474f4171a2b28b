// Grants in Redis, shared by every replica: a grant created through any replica's CLI works on all,
// and a revoke is published (`<prefix>grants`) so every replica ends that grant's sessions (and drops
// it from its grant cache, cached-grant-store.ts) at once.
import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';
import { sha256Hex } from '../lib/hash.js';
import { randomId } from '../lib/ids.js';
import { pairsToRecord, redisScript, type RedisConnection } from '../state/redis-connection.js';
import type { RedisSubscriber } from '../state/redis-subscriber.js';
import { checkGrantName, checkGrantServers, couldBeToken, nameTakenError, newGrantToken } from './grant-fields.js';
import type { CreatedGrant, Grant, GrantCacheSupport, GrantStore } from './grant-store.js';

// Keys, under prefix P: `P grant:<id>` (hash: id, name, servers JSON, createdAt, revokedAt?),
// `P grant:token:<sha256 of token>` → id, `P grant:name:<name>` → the latest grant of that name,
// `P grants` (sorted set of ids by createdAt). Tokens themselves are never stored.
const CREATE = redisScript(`
local p, id, name = ARGV[1], ARGV[2], ARGV[3]
local current = redis.call('GET', p .. 'grant:name:' .. name)
if current and redis.call('EXISTS', p .. 'grant:' .. current) == 1 and redis.call('HEXISTS', p .. 'grant:' .. current, 'revokedAt') == 0 then
  return 0
end
redis.call('HSET', p .. 'grant:' .. id, 'id', id, 'name', name, 'servers', ARGV[5], 'createdAt', ARGV[6])
redis.call('SET', p .. 'grant:token:' .. ARGV[4], id)
redis.call('SET', p .. 'grant:name:' .. name, id)
redis.call('ZADD', p .. 'grants', ARGV[6], id)
return 1
`);

/** One round trip per request: token hash → id → the grant, unless revoked. */
const AUTHENTICATE = redisScript(`
local id = redis.call('GET', ARGV[1] .. 'grant:token:' .. ARGV[2])
if not id then return {} end
local h = ARGV[1] .. 'grant:' .. id
if redis.call('HEXISTS', h, 'revokedAt') == 1 then return {} end
return redis.call('HGETALL', h)
`);

/** ARGV: prefix, id or name, now, channel. Revokes once (publishing the id); returns the grant. */
const REVOKE = redisScript(`
local p, id = ARGV[1], ARGV[2]
if redis.call('EXISTS', p .. 'grant:' .. id) == 0 then
  id = redis.call('GET', p .. 'grant:name:' .. ARGV[2])
  if not id then return {} end
end
local h = p .. 'grant:' .. id
if redis.call('EXISTS', h) == 0 then return {} end
if redis.call('HEXISTS', h, 'revokedAt') == 0 then
  redis.call('HSET', h, 'revokedAt', ARGV[3])
  redis.call('PUBLISH', ARGV[4], id)
end
return redis.call('HGETALL', h)
`);

const LIST = redisScript(`
local out = {}
for _, id in ipairs(redis.call('ZRANGE', ARGV[1] .. 'grants', 0, -1)) do
  local fields = redis.call('HGETALL', ARGV[1] .. 'grant:' .. id)
  if #fields > 0 then table.insert(out, fields) end
end
return out
`);

export interface RedisGrantStoreOptions {
  connection: RedisConnection;
  /** The same prefix as the counters (`state.keyPrefix`). */
  keyPrefix: string;
  /** This process's one subscriber: revokes made anywhere reach `watchRevocations` listeners. */
  subscriber?: RedisSubscriber;
  clock?: Clock;
}

/** The channel a revoke is published on: the grant id is the message. */
export function grantsChannel(keyPrefix: string): string {
  return `${keyPrefix}grants`;
}

/** How long a replica serves a cached grant without asking Redis. Announced revokes drop it at once;
 *  this bounds what cannot be seen: an announcement lost on a connection that died without closing,
 *  a Redis that stopped answering (the store would now refuse, 503), the moment before subscribing. */
export const REDIS_GRANT_CACHE_MAX_AGE_MS = 250;

export function createRedisGrantStore(options: RedisGrantStoreOptions): GrantStore {
  const { connection, keyPrefix, subscriber } = options;
  const clock = options.clock ?? systemClock;

  const store: GrantStore = {
    async create(input) {
      const name = checkGrantName(input.name);
      const servers = checkGrantServers(input.servers);
      const token = newGrantToken();
      const grant: Grant = { id: randomId('grt'), name, servers, createdAt: clock.now() };
      const args = [keyPrefix, grant.id, name, sha256Hex(token), JSON.stringify(servers), String(grant.createdAt)];
      if (Number(await connection.run(CREATE, args)) !== 1) throw nameTakenError(name);
      const created: CreatedGrant = { grant, token };
      return created;
    },

    async list() {
      const reply = (await connection.run(LIST, [keyPrefix])) as unknown[];
      return reply.map((fields) => toGrant(pairsToRecord(fields)));
    },

    async revoke(idOrName) {
      const reply = await connection.run(REVOKE, [keyPrefix, idOrName, String(clock.now()), grantsChannel(keyPrefix)]);
      return readGrant(reply);
    },

    async authenticate(token) {
      if (!couldBeToken(token)) return undefined;
      return authenticateHash(sha256Hex(token));
    },

    async isLive(id) {
      const [found, revokedAt] = await connection.bounded(connection.redis.hmget(`${keyPrefix}grant:${id}`, 'id', 'revokedAt'));
      return found !== null && found !== undefined && (revokedAt === null || revokedAt === undefined);
    },

    // Without a subscriber nobody would hear of revokes made elsewhere: no cache then (the CLI).
    ...(subscriber ? { cacheSupport: cacheSupport(subscriber) } : {}),
  };
  async function authenticateHash(tokenHash: string): Promise<Grant | undefined> {
    return readGrant(await connection.run(AUTHENTICATE, [keyPrefix, tokenHash]));
  }

  function cacheSupport(live: RedisSubscriber): GrantCacheSupport {
    return { authenticateHash, announcementsLive: () => live.isLive(), maxAgeMs: REDIS_GRANT_CACHE_MAX_AGE_MS };
  }

  if (subscriber) {
    store.watchRevocations = (listener) => {
      const stopListening = subscriber.listen(grantsChannel(keyPrefix), (id) => listener.revoked(id));
      const stopResync = subscriber.onSubscribed(() => listener.resync());
      return () => {
        stopListening();
        stopResync();
      };
    };
  }
  return store;
}

function readGrant(reply: unknown): Grant | undefined {
  if (!Array.isArray(reply) || reply.length === 0) return undefined;
  return toGrant(pairsToRecord(reply));
}

function toGrant(fields: Record<string, string>): Grant {
  const servers: unknown = JSON.parse(fields['servers'] ?? '[]');
  return {
    id: fields['id'] ?? '',
    name: fields['name'] ?? '',
    servers: Array.isArray(servers) ? servers.filter((s): s is string => typeof s === 'string') : [],
    createdAt: Number(fields['createdAt']),
    ...(fields['revokedAt'] === undefined ? {} : { revokedAt: Number(fields['revokedAt']) }),
  };
}

// The Lua scripts of the Redis approval store. Each runs atomically inside Redis, so of racing
// approvers (or racing calls for one approved approval) on any replicas exactly one wins.
//
// Keys, under the store's prefix P:
//   P apr:<id>          the approval, a hash (times in ms as decimal strings); kept `retention` past expiry
//   P apr:all           every approval id, sorted set scored by createdAt (for listing)
//   P apr:pending       pending ids, scored by expiresAt (expired ones are trimmed on create)
//   P apr:open:<key>    ids of one (grant, server, tool, args hash) whose answer no call has had yet,
//                       scored by createdAt: findOpen takes the newest
// Every script gets ARGV[1] = P and ARGV[2] = now ('' = Redis TIME, so replicas agree on expiry),
// and returns the time it used, so a status can be read as of that instant (pending past expiry = expired).

const PRELUDE = `
local p = ARGV[1]
local now
if ARGV[2] ~= '' then now = tonumber(ARGV[2]) else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function fmt(x) return string.format('%.0f', x) end
local function hkey(id) return p .. 'apr:' .. id end
local function expired(h)
  local status = redis.call('HGET', h, 'status')
  return (status == 'pending' or status == 'approved') and tonumber(redis.call('HGET', h, 'expiresAt')) <= now
end
`;

/** ARGV[3] id, [4] timeout ms, [5] retention ms, [6] open key, [7..] field/value pairs. Returns createdAt. */
export const CREATE_APPROVAL = `${PRELUDE}
local id, keep, open = ARGV[3], tonumber(ARGV[5]), p .. 'apr:open:' .. ARGV[6]
local expires = now + tonumber(ARGV[4])
local h = hkey(id)
for i = 7, #ARGV, 2 do redis.call('HSET', h, ARGV[i], ARGV[i + 1]) end
redis.call('HSET', h, 'id', id, 'openKey', ARGV[6], 'createdAt', fmt(now), 'expiresAt', fmt(expires), 'status', 'pending')
-- Relative TTLs: right even when \`now\` is a test clock far from Redis's own.
local ttl = expires - now + keep
redis.call('PEXPIRE', h, fmt(ttl))
redis.call('ZADD', p .. 'apr:all', fmt(now), id)
redis.call('ZREMRANGEBYSCORE', p .. 'apr:all', '-inf', fmt(now - 2 * keep))
redis.call('ZREMRANGEBYSCORE', p .. 'apr:pending', '-inf', fmt(now))
redis.call('ZADD', p .. 'apr:pending', fmt(expires), id)
redis.call('ZADD', open, fmt(now), id)
if redis.call('PTTL', open) < ttl then redis.call('PEXPIRE', open, fmt(ttl)) end
return fmt(now)
`;

/** ARGV[3] id. Returns {now, field, value, …} (just {now} when there is no such approval). */
export const GET_APPROVAL = `${PRELUDE}
local fields = redis.call('HGETALL', hkey(ARGV[3]))
table.insert(fields, 1, fmt(now))
return fields
`;

/** ARGV[3] open key. The newest approval of that key not yet delivered: {now, field, value, …} or {now}. */
export const FIND_OPEN_APPROVAL = `${PRELUDE}
local open = p .. 'apr:open:' .. ARGV[3]
for _, id in ipairs(redis.call('ZREVRANGE', open, 0, -1)) do
  local fields = redis.call('HGETALL', hkey(id))
  if #fields > 0 then
    table.insert(fields, 1, fmt(now))
    return fields
  end
  redis.call('ZREM', open, id)
end
return { fmt(now) }
`;

/** ARGV[3] 'pending' | 'all', [4] offset, [5] count. Returns {now, ids scanned, {fields}, {fields}, …}. */
export const LIST_APPROVALS = `${PRELUDE}
local ids
if ARGV[3] == 'pending' then
  ids = redis.call('ZRANGEBYSCORE', p .. 'apr:pending', '(' .. fmt(now), '+inf')
else
  local from = tonumber(ARGV[4])
  ids = redis.call('ZREVRANGE', p .. 'apr:all', from, from + tonumber(ARGV[5]) - 1)
end
local out = { fmt(now), tostring(#ids) }
for _, id in ipairs(ids) do
  local fields = redis.call('HGETALL', hkey(id))
  if #fields > 0 then table.insert(out, fields) else redis.call('ZREM', p .. 'apr:all', id) end
end
return out
`;

/** ARGV[3] id, [4] verdict, [5] decided by, [6] '1' when [7] is a reason, [8] channel.
 *  pending and unexpired → the verdict, and the id is published. Returns {'decided'|'already'|'not_found', now, fields…}. */
export const DECIDE_APPROVAL = `${PRELUDE}
local id = ARGV[3]
local h = hkey(id)
if redis.call('EXISTS', h) == 0 then return { 'not_found', fmt(now) } end
local outcome = 'already'
if redis.call('HGET', h, 'status') == 'pending' and not expired(h) then
  redis.call('HSET', h, 'status', ARGV[4], 'decidedBy', ARGV[5], 'decidedAt', fmt(now))
  if ARGV[6] == '1' then redis.call('HSET', h, 'decisionReason', ARGV[7]) end
  redis.call('ZREM', p .. 'apr:pending', id)
  redis.call('PUBLISH', ARGV[8], id)
  outcome = 'decided'
end
local fields = redis.call('HGETALL', h)
table.insert(fields, 1, fmt(now))
table.insert(fields, 1, outcome)
return fields
`;

/** ARGV[3] id. approved, unexpired and undelivered → used. Returns 1 when this call took it. */
export const CONSUME_APPROVAL = `${PRELUDE}
local h = hkey(ARGV[3])
if redis.call('HGET', h, 'status') ~= 'approved' or expired(h) or redis.call('HEXISTS', h, 'deliveredAt') == 1 then return 0 end
redis.call('HSET', h, 'status', 'used', 'deliveredAt', fmt(now))
redis.call('ZREM', p .. 'apr:open:' .. redis.call('HGET', h, 'openKey'), ARGV[3])
return 1
`;

/** ARGV[3] id. used → approved, open again (the approved call provably did not run). */
export const RELEASE_APPROVAL = `${PRELUDE}
local h = hkey(ARGV[3])
if redis.call('HGET', h, 'status') ~= 'used' then return 0 end
redis.call('HSET', h, 'status', 'approved')
redis.call('HDEL', h, 'deliveredAt')
redis.call('ZADD', p .. 'apr:open:' .. redis.call('HGET', h, 'openKey'), redis.call('HGET', h, 'createdAt'), ARGV[3])
return 1
`;

/** ARGV[3] id. A call was told the answer: record when, fix an expiry into the status, close the key. */
export const MARK_APPROVAL_DELIVERED = `${PRELUDE}
local h = hkey(ARGV[3])
if redis.call('EXISTS', h) == 0 or redis.call('HEXISTS', h, 'deliveredAt') == 1 then return 0 end
if expired(h) then
  redis.call('HSET', h, 'status', 'expired')
  redis.call('ZREM', p .. 'apr:pending', ARGV[3])
end
redis.call('HSET', h, 'deliveredAt', fmt(now))
redis.call('ZREM', p .. 'apr:open:' .. redis.call('HGET', h, 'openKey'), ARGV[3])
return 1
`;

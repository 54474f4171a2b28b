// The Lua scripts of the Redis counter store. Each runs atomically inside Redis, so one script call
// checks and reserves every counter of a call (or none) in one round trip, on Redis's own clock.
//
// Keys (all under the store's prefix P; `key` is the engine's counter key, window lengths in ms):
//   P cal:<unitMs>:<index>:<key>  a calendar window's total (string float), expires at the window end
//   P log:<lengthMs>:<key>        a sliding window's entries: sorted set, score = time, member =
//                                 "<reservation id>:<n>:<amount>", so the amount travels with the entry
//   P sum:<lengthMs>:<key>        the running total of that log (exact sums are recomputed on refusal)
//   P rsv:<id>                    what a reservation added, as a list of 4-field entries, until its
//                                 windows end; commit deletes it, rollback replays it backwards.
//                                 A lease granted with the call is an 'l' entry: given back only when
//                                 the reserve itself is undone unanswered (decision 019).
// Keys are built inside the scripts (the window index depends on the time read there), so the store
// runs on a single Redis (or a primary with replicas), not on Redis Cluster.

import { LEASE_END_MARGIN_MS, LEASE_ROOM } from './counter-leases.js';

/** Shared helpers: time, float formatting that round-trips a double, and `fits` exactly as in windows.ts. */
const PRELUDE = `
local function now_ms(given)
  if given ~= '' then return tonumber(given) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function fmt(x) return string.format('%.17g', x) end
local function is_int(x) return x == math.floor(x) and x ~= math.huge and x ~= -math.huge end
local function fits(total, amount, max)
  local sum = total + amount
  if sum <= max then return true end
  if is_int(sum) and is_int(max) then return false end
  return sum - max <= 1e-9 * math.max(1, math.abs(max))
end
local function amount_of(member) return tonumber(string.match(member, ':([^:]*)$')) or 0 end
-- Takes amount off a total that still exists (never below 0); an expired key is not brought back.
local function take_off(key, amount)
  local total = redis.call('GET', key)
  if not total then return end
  local left = tonumber(total) - amount
  if left < 0 then left = 0 end
  redis.call('SET', key, fmt(left), 'KEEPTTL')
end
local function live_sum(log, cutoff)
  local members = redis.call('ZRANGEBYSCORE', log, '(' .. fmt(cutoff), '+inf')
  local total = 0
  for i = 1, #members do total = total + amount_of(members[i]) end
  return total
end
`;

/**
 * ARGV: prefix, reservation id, now ('' = Redis TIME), TTL slack ms, n, then per request key, kind
 * ('c' calendar | 's' sliding), window ms, max, amount, lease units. A calendar request asking for a
 * lease gets those units counted on top of its amount when at least LEASE_ROOM would still be left
 * after them and the window lasts more than twice LEASE_END_MARGIN_MS longer (`mayGrantLease`).
 * Returns {'reserved', now, [i, units, window key, window end]…} | {'exceeded', i, current,
 * retryAfterMs} | {'invalid', i}; numbers as strings (Redis would truncate a Lua float reply).
 */
export const RESERVE_SCRIPT = `${PRELUDE}
local prefix, id = ARGV[1], ARGV[2]
local now = now_ms(ARGV[3])
local slack = tonumber(ARGV[4])
local lease_room, lease_life = ${LEASE_ROOM}, ${2 * LEASE_END_MARGIN_MS}
local n = tonumber(ARGV[5])
local reqs = {}
for i = 1, n do
  local b = 5 + (i - 1) * 6
  local r = { key = ARGV[b + 1], kind = ARGV[b + 2], ms = tonumber(ARGV[b + 3]), max = tonumber(ARGV[b + 4]), amount_text = ARGV[b + 5], lease = tonumber(ARGV[b + 6]) }
  r.amount = tonumber(r.amount_text)
  if r.amount == nil or r.amount ~= r.amount or r.amount < 0 or r.amount == math.huge or r.max == nil then
    return { 'invalid', tostring(i) }
  end
  if r.kind == 'c' then
    r.index = math.floor(now / r.ms)
    r.id = prefix .. 'cal:' .. r.ms .. ':' .. r.index .. ':' .. r.key
  else
    r.log = prefix .. 'log:' .. r.ms .. ':' .. r.key
    r.sum = prefix .. 'sum:' .. r.ms .. ':' .. r.key
    r.id = r.log
  end
  reqs[i] = r
end

-- The live total of a sliding log, after dropping the entries that left the window.
local function sliding_total(r, cutoff)
  local gone = redis.call('ZRANGEBYSCORE', r.log, '-inf', fmt(cutoff))
  if #gone > 0 then
    redis.call('ZREMRANGEBYSCORE', r.log, '-inf', fmt(cutoff))
    if redis.call('ZCARD', r.log) == 0 then
      redis.call('DEL', r.sum)
      return 0
    end
  end
  local total = redis.call('GET', r.sum)
  if not total then return live_sum(r.log, cutoff) end
  total = tonumber(total)
  if #gone > 0 then
    for i = 1, #gone do total = total - amount_of(gone[i]) end
    redis.call('SET', r.sum, fmt(total), 'KEEPTTL')
  end
  return total
end

-- Exactly when 'amount' fits: the oldest entries leave one by one (windows.ts slidingRetryAfterMs).
local function sliding_retry(r, cutoff, amount)
  if not fits(0, amount, r.max) then return r.ms end
  local raw = redis.call('ZRANGEBYSCORE', r.log, '(' .. fmt(cutoff), '+inf', 'WITHSCORES')
  local total = 0
  for i = 1, #raw, 2 do total = total + amount_of(raw[i]) end
  for i = 1, #raw, 2 do
    local a = amount_of(raw[i])
    if a ~= 0 then
      total = total - a
      if fits(total, amount, r.max) then return math.max(1, tonumber(raw[i + 1]) + r.ms - now) end
    end
  end
  return r.ms
end

-- Check every counter first; 'claimed' is what this call already asks of a counter it names twice.
local claimed = {}
for i = 1, n do
  local r = reqs[i]
  local already = claimed[r.id] or 0
  if r.kind == 'c' then
    local current = tonumber(redis.call('GET', r.id) or '0')
    if not fits(current + already, r.amount, r.max) then
      return { 'exceeded', tostring(i), fmt(current), fmt((r.index + 1) * r.ms - now) }
    end
  else
    local cutoff = now - r.ms
    local current = sliding_total(r, cutoff)
    if not fits(current + already, r.amount, r.max) then
      -- The running total is a fast bound that fractions can skew: refusals use the exact sum.
      current = live_sum(r.log, cutoff)
      if redis.call('EXISTS', r.log) == 1 then redis.call('SET', r.sum, fmt(current), 'KEEPTTL') end
      if not fits(current + already, r.amount, r.max) then
        return { 'exceeded', tostring(i), fmt(current), fmt(sliding_retry(r, cutoff, already + r.amount)) }
      end
    end
  end
  claimed[r.id] = already + r.amount
end

-- Everything fits: apply, and record what was added where, so a rollback touches exactly that.
local record = {}
local record_ttl = 0
local reply = { 'reserved', fmt(now) }
for i = 1, n do
  local r = reqs[i]
  if r.amount > 0 then
    local ttl
    if r.kind == 'c' then
      local ends = (r.index + 1) * r.ms
      ttl = math.max(1, math.floor(ends - now + slack))
      local total = tonumber(redis.call('GET', r.id) or '0') + r.amount
      local leased = 0
      if r.lease > 0 and r.max - total - r.lease >= lease_room and ends - now > lease_life then leased = r.lease end
      redis.call('SET', r.id, fmt(total + leased), 'PX', ttl)
      table.insert(record, 'c'); table.insert(record, r.id); table.insert(record, r.amount_text); table.insert(record, '')
      if leased > 0 then
        table.insert(record, 'l'); table.insert(record, r.id); table.insert(record, tostring(leased)); table.insert(record, '')
        table.insert(reply, tostring(i)); table.insert(reply, tostring(leased)); table.insert(reply, r.id); table.insert(reply, fmt(ends))
      end
    else
      ttl = math.max(1, math.floor(r.ms + slack))
      local member = id .. ':' .. i .. ':' .. r.amount_text
      local total = sliding_total(r, now - r.ms) + r.amount
      redis.call('ZADD', r.log, fmt(now), member)
      redis.call('PEXPIRE', r.log, ttl)
      redis.call('SET', r.sum, fmt(total), 'PX', ttl)
      table.insert(record, 's'); table.insert(record, r.log); table.insert(record, r.sum); table.insert(record, member)
    end
    if ttl > record_ttl then record_ttl = ttl end
  end
end
if #record > 0 then
  local rsv = prefix .. 'rsv:' .. id
  redis.call('RPUSH', rsv, unpack(record))
  redis.call('PEXPIRE', rsv, record_ttl)
end
return reply
`;

/** ARGV: prefix, reservation id, leases too ('1': the reserve was never answered, so its lease was
 *  never used). Gives back what the record says, once; returns 1 if it did. */
export const ROLLBACK_SCRIPT = `${PRELUDE}
local rsv = ARGV[1] .. 'rsv:' .. ARGV[2]
local with_leases = ARGV[3] == '1'
local record = redis.call('LRANGE', rsv, 0, -1)
if #record == 0 then return 0 end
for i = #record - 3, 1, -4 do
  if record[i] == 'l' then
    if with_leases then take_off(record[i + 1], tonumber(record[i + 2])) end
  elseif record[i] == 'c' then
    -- Only the window it went into.
    take_off(record[i + 1], tonumber(record[i + 2]))
  elseif redis.call('ZREM', record[i + 1], record[i + 3]) == 1 then
    -- Still in the log (not yet pruned): take its amount off the running total too.
    take_off(record[i + 2], amount_of(record[i + 3]))
  end
end
redis.call('DEL', rsv)
return 1
`;

/** ARGV: a calendar window's key, units. Gives back a lease's unused units (or one a leased call
 *  did not use) to that window, if it has not ended. */
export const TAKE_OFF_SCRIPT = `${PRELUDE}
take_off(ARGV[1], tonumber(ARGV[2]))
return 1
`;

/** ARGV: prefix, now ('' = Redis TIME), key, kind, window ms. Returns the current total as a string. */
export const PEEK_SCRIPT = `${PRELUDE}
local prefix, now, key, kind, ms = ARGV[1], now_ms(ARGV[2]), ARGV[3], ARGV[4], tonumber(ARGV[5])
if kind == 'c' then
  return fmt(tonumber(redis.call('GET', prefix .. 'cal:' .. ms .. ':' .. math.floor(now / ms) .. ':' .. key) or '0'))
end
return fmt(live_sum(prefix .. 'log:' .. ms .. ':' .. key, now - ms))
`;

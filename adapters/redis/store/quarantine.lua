-- Quarantine: moves aside a stored registration state that cannot be decoded, in one atomic
-- step fenced by the partition's epoch (as commit.lua is), so that one bad record cannot stop
-- the partition and a registration can never start over it.
-- KEYS[1] epoch, KEYS[2] the state key, KEYS[3] the quarantine key (quar:<id>), KEYS[4] timers
-- ARGV[1] expected epoch, ARGV[2] the record as the caller read it, ARGV[3] why it cannot be
-- decoded, ARGV[4] now in ms, ARGV[5] the partition's key prefix '<ns>:{p<N>}:', ARGV[6] the
-- registration id.
-- Returns 'moved', or 'changed' when the state key no longer holds that record (read it again);
-- STALE_EPOCH (an error) when another instance has claimed the partition since.
--
-- quar:<id> is a hash: record (the raw bytes, untouched), reason, at (ms), timer (the due time
-- it had, '' for none), status (its status before, '' if the read side did not know it).
-- The read side follows in the same step (keyspace.hpp names the keys): meta:<id> gets status
-- 'quarantined' and the id moves from idx:status:<old> to idx:status:quarantined (its place in
-- the order, its last change, stays); the funnel moves it from status:<channel>:<old> (and
-- active:<channel>:<phase>) to status:<channel>:quarantined, and steps from
-- <channel>:<step>:<old> to <channel>:<step>:quarantined. Its history list stays. A state
-- without meta (committed before the read model existed) is listed with channel and phase ''.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  -- A typed error reply: its first word is the code (errors/errc.hpp: stale_epoch); Redis would
  -- prefix a reply of one word with ERR.
  return redis.error_reply('STALE_EPOCH another instance has claimed the partition')
end
local record = redis.call('GET', KEYS[2])
if record ~= ARGV[2] then
  return 'changed'
end
local prefix, id, now = ARGV[5], ARGV[6], ARGV[4]
local funnel = prefix .. 'funnel'
local meta = prefix .. 'meta:' .. id
local old = redis.call('HMGET', meta, 'channel', 'phase', 'status', 'step')
local channel, phase, status, step = old[1], old[2], old[3], old[4]

redis.call('HSET', KEYS[3], 'record', record, 'reason', ARGV[3], 'at', now,
           'timer', redis.call('ZSCORE', KEYS[4], id) or '', 'status', status or '')
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[4], id)  -- its timers would only be dead-lettered

local changed = redis.call('ZSCORE', prefix .. 'idx:all', id) or now
if status then
  redis.call('ZREM', prefix .. 'idx:status:' .. status, id)
  redis.call('HINCRBY', funnel, 'status:' .. channel .. ':' .. status, -1)
  if status == 'active' then
    redis.call('HINCRBY', funnel, 'active:' .. channel .. ':' .. phase, -1)
  end
  redis.call('HINCRBY', funnel, 'status:' .. channel .. ':quarantined', 1)
  if step then
    local steps = prefix .. 'steps'
    redis.call('HINCRBY', steps, channel .. ':' .. step .. ':' .. status, -1)
    redis.call('HINCRBY', steps, channel .. ':' .. step .. ':quarantined', 1)
  end
  redis.call('HSET', meta, 'status', 'quarantined')
else
  redis.call('HSET', meta, 'channel', '', 'phase', '', 'status', 'quarantined')
  redis.call('ZADD', prefix .. 'idx:all', changed, id)
end
redis.call('ZADD', prefix .. 'idx:status:quarantined', changed, id)
return 'moved'

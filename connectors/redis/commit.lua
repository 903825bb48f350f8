-- The commit step: one atomic write of a batch for one partition, fenced by its epoch.
-- KEYS[1] epoch, KEYS[2] offset, KEYS[3] outbox stream, KEYS[4] timers (sorted set),
-- KEYS[5..4+n] state keys
-- ARGV[1] expected epoch, ARGV[2] next offset ('' for a batch of timers: no offset moves),
-- ARGV[3] n, ARGV[4] m, then for each state: value, registration id, next timer in ms ('' for
-- none), then m registration ids whose due timer was fired (its timer.fire is in the outbox),
-- then (topic, key, value) triples for the outbox.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('STALE_EPOCH')
end
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[2], ARGV[2])
end
local n = tonumber(ARGV[3])
local m = tonumber(ARGV[4])
for i = 1, n do
  local a = 5 + (i - 1) * 3
  redis.call('SET', KEYS[4 + i], ARGV[a])
  if ARGV[a + 2] == '' then
    redis.call('ZREM', KEYS[4], ARGV[a + 1])
  else
    redis.call('ZADD', KEYS[4], ARGV[a + 2], ARGV[a + 1])
  end
end
local j = 5 + n * 3
for i = 1, m do
  redis.call('ZREM', KEYS[4], ARGV[j])
  j = j + 1
end
local ids = {}
while j <= #ARGV do
  ids[#ids + 1] = redis.call('XADD', KEYS[3], '*', 't', ARGV[j], 'k', ARGV[j + 1], 'v', ARGV[j + 2])
  j = j + 3
end
return ids

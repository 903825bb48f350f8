-- The commit step: one atomic write of a poll batch for one partition, fenced by its epoch.
-- KEYS[1] epoch, KEYS[2] offset, KEYS[3] outbox stream, KEYS[4..3+n] state keys
-- ARGV[1] expected epoch, ARGV[2] next offset, ARGV[3] n, ARGV[4..3+n] states,
-- then (topic, key, value) triples for the outbox.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('STALE_EPOCH')
end
redis.call('SET', KEYS[2], ARGV[2])
local n = tonumber(ARGV[3])
for i = 1, n do
  redis.call('SET', KEYS[3 + i], ARGV[3 + i])
end
local ids = {}
local j = 4 + n
while j <= #ARGV do
  ids[#ids + 1] = redis.call('XADD', KEYS[3], '*', 't', ARGV[j], 'k', ARGV[j + 1], 'v', ARGV[j + 2])
  j = j + 3
end
return ids

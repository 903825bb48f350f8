-- An audit checkpoint (issue 15, item 5; service/pipeline/audit_anchor.hpp): the signed
-- checkpoint event into the partition's outbox (the relay sends it like any other entry, so
-- it reaches enroll.audit at least once, under one event id), the partition's last checkpoint
-- moved on, and the heads it covers taken out of the pending set, in one step fenced by the
-- epoch. A head that changed since it was read stays pending: the next checkpoint covers it.
-- KEYS[1] epoch, KEYS[2] outbox stream, KEYS[3] audit:pending (hash), KEYS[4] audit:checkpoint,
-- KEYS[5] the last commit applied (replay.lua)
-- ARGV[1] expected epoch, ARGV[2] the last checkpoint as read ('<number> <root>', '' for none),
-- ARGV[3] the new one, ARGV[4] topic, ARGV[5] key, ARGV[6] value, ARGV[7] the commit's number
-- (replay.lua), then (id, '<seq> <hash>') pairs: the heads covered.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('STALE_EPOCH another instance has claimed the partition')
end
local name = commit_name(ARGV[1], ARGV[7])
local answered = replayed(KEYS[5], name)
if answered then return answered[1] end
if (redis.call('GET', KEYS[4]) or '') ~= ARGV[2] then
  return redis.error_reply('STALE_EPOCH the partition\'s last checkpoint moved on')
end
redis.call('SET', KEYS[4], ARGV[3])
for i = 8, #ARGV, 2 do
  if redis.call('HGET', KEYS[3], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[3], ARGV[i])
  end
end
local id = redis.call('XADD', KEYS[2], '*', 't', ARGV[4], 'k', ARGV[5], 'v', ARGV[6])
applied(KEYS[5], name, {id})
return id

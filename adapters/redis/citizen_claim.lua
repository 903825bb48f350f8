-- One active registration per citizen: KEYS[1] the claim (ns:citizen:<keyed hash>),
-- ARGV[1] the registration id, ARGV[2] 'claim' (with ARGV[3] a TTL in seconds) or 'release'.
-- claim: 1 if the registration holds the claim (now or already), 0 if another one does.
-- release: deletes the claim only if this registration holds it.
local holder = redis.call('GET', KEYS[1])
if ARGV[2] == 'release' then
  if holder == ARGV[1] then redis.call('DEL', KEYS[1]) end
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
  return 1
end
if holder == ARGV[1] then return 1 end
return 0

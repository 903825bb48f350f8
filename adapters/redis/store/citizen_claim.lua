-- One active registration per citizen: KEYS[1] the claim (ns:citizen:<keyed hash>), held as
-- '<partition>|<registration id>' (so a stale claim's holder can be looked up), no TTL: a
-- claim lives exactly as long as its registration, which releases it when it ends.
-- ARGV[1] the holder value, ARGV[2] 'claim', 'release', 'take_over' (ARGV[3]: the stale
-- holder value to replace), 'check' or 'drop' (ARGV[3]: the stale holder to delete), ARGV[4]
-- the bare registration id (claims written before the partition was part of the value, which
-- carried a TTL, are recognised by it).
-- A claim under an older citizen_hash key version (made before a rotation) is 'check'ed: 1 if
-- free or this registration's (then deleted: the claim moves to the current version's key),
-- else the holder's value; 'drop' deletes it if still held by the stale ARGV[3].
-- claim: 1 if the registration holds the claim (now or already), else the holder's value.
-- release: deletes the claim only if this registration holds it.
-- take_over: replaces the holder only if it is still ARGV[3] (checked and set in one step).
local holder = redis.call('GET', KEYS[1])
local mine = holder == ARGV[1] or holder == ARGV[4]
if ARGV[2] == 'release' then
  if mine then redis.call('DEL', KEYS[1]) end
  return 1
end
if ARGV[2] == 'check' then
  if mine then redis.call('DEL', KEYS[1]) end
  if mine or not holder then return 1 end
  return holder
end
if ARGV[2] == 'drop' then
  if holder == ARGV[3] then redis.call('DEL', KEYS[1]) end
  return 1
end
if ARGV[2] == 'take_over' then
  if holder == ARGV[3] then
    redis.call('SET', KEYS[1], ARGV[1])
    return 1
  end
  if mine then return 1 end
  return holder or 0
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1])
  return 1
end
if mine then
  if holder ~= ARGV[1] then redis.call('SET', KEYS[1], ARGV[1]) end  -- drops an old TTL
  return 1
end
return holder

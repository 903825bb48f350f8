-- Sets aside an outbox entry that the broker refuses for good (too large, invalid record), so
-- that the relay never re-sends it: copied with its reason to the partition's parked stream
-- and deleted from the outbox, in one step. The parked stream is capped (oldest go first).
-- KEYS[1] outbox stream, KEYS[2] parked stream; ARGV[1] entry id, ARGV[2] reason.
-- Returns 1 if the entry was parked, 0 if it was no longer in the outbox.
local e = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #e == 0 then return 0 end
local fields = e[1][2]
fields[#fields + 1] = 'id'
fields[#fields + 1] = ARGV[1]
fields[#fields + 1] = 'reason'
fields[#fields + 1] = ARGV[2]
redis.call('XADD', KEYS[2], 'MAXLEN', '~', '10000', '*', unpack(fields))
redis.call('XDEL', KEYS[1], ARGV[1])
return 1

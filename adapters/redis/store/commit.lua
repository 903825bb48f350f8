-- The commit step: one atomic write of a batch for one partition, fenced by its epoch.
-- KEYS[1] epoch, KEYS[2] offset, KEYS[3] outbox stream, KEYS[4] timers (sorted set),
-- KEYS[5] the last commit applied (replay.lua), KEYS[6..5+n] state keys
-- ARGV[1] expected epoch, ARGV[2] next offset ('' for a batch of timers: no offset moves),
-- ARGV[3] n, ARGV[4] m, ARGV[5] the partition's key prefix '<ns>:{p<N>}:', ARGV[6] the cap of
-- a history list (records past it are counted in meta's history_dropped), ARGV[7] now in ms
-- (the minute of the activity bucket), ARGV[8] events applied in the batch, ARGV[9] the
-- commit's number (replay.lua), ARGV[10] f, then f (task, step failures) pairs; then for
-- each state: value, registration id, next timer in ms ('' for none), channel, phase, step,
-- status, last change in ms, purged ('1' for a tombstone, else ''); then m registration ids whose due timer was fired (its timer.fire is in
-- the outbox): each is removed from the timers; then (topic, key, value, history, head)
-- quintuples for the outbox: history is an audit record's compact form to append to the
-- registration's history list (adapters/codec/history_line.hpp), head its chain head
-- '<seq> <hash>' for the next checkpoint ('' for none: not an audit record).
--
-- Besides states and outbox, the read side (the HTTP API) is kept here, in the same step, so
-- that it never lags behind or runs ahead of the states (keyspace.hpp names the keys):
--   idx:all, idx:phase:<phase>, idx:status:<status>, idx:channel:<channel>: sorted sets of
--     registration ids scored by their last change;
--   meta:<id>: a small hash (channel, phase, step, status; r: the phases reached in that
--     channel, ',consent,card,'; history_dropped), the previous values an update must take out
--     of the indexes and the counters;
--   funnel: a hash of counters per channel: reached:<channel>:<phase> (registrations that
--     ever got there), status:<channel>:<status> and active:<channel>:<phase> (now);
--   steps: a hash of counters <channel>:<step>:<status>, registrations at that step with that
--     status now (any status: a new one is counted without a change here);
--   act:<minute>: the activity of one minute (ms / 60000), expiring an hour after it ends:
--     applied (events), f:<task> (step failures) and e:<channel>:<from>:<to> (registrations
--     that moved from one node of the journey graph to another: a step's name while active,
--     else the status, as the graph names its outcomes). Retakes and retries stay at their
--     node: they are not moves;
--   hist:<id>: the registration's audit records, oldest first, the first ARGV[6] of them (a
--     registration flooded with rejected commands cannot grow it without bound), each in the
--     compact form enrollmentd writes (history_line.hpp: what the history endpoint shows, not
--     the hashes and inputs: the whole trail is on enroll.audit). Kept while the registration is
--     in flight and after any other end; once it is issued its history is dropped (its
--     records counted in meta's history_dropped): an issued registration is the common case
--     and needs no timeline in Redis (issue 16: ≤ 512 bytes kept per finished one);
--   audit:pending: a hash of the chain heads not yet in a signed checkpoint, id → '<seq>
--     <hash>' (the last record of the batch; tombstones' too): what the next checkpoint of
--     the partition covers (checkpoint.lua), kept here so that a head committed before a crash
--     is still covered after it.
-- A tombstone (a finished registration purged by the retention policy) leaves the read side:
-- its meta, its history and its index entries go (its trail stays on enroll.audit), and no
-- audit record is appended to a history again. The funnel and steps keep counting it: their
-- counters are aggregates of every registration that ever got somewhere, not listings.
-- Every one of these keys starts with the prefix, so it is in the partition's slot.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  -- A typed error reply: its first word is the code (errors/errc.hpp: stale_epoch); Redis would
  -- prefix a reply of one word with ERR.
  return redis.error_reply('STALE_EPOCH another instance has claimed the partition')
end
local name = commit_name(ARGV[1], ARGV[9])
local answered = replayed(KEYS[5], name)
if answered then return answered end
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[2], ARGV[2])
end
local n = tonumber(ARGV[3])
local m = tonumber(ARGV[4])
local prefix = ARGV[5]
local history_cap = tonumber(ARGV[6])
local funnel = prefix .. 'funnel'
local steps = prefix .. 'steps'
local minute = math.floor(tonumber(ARGV[7]) / 60000)
local activity = prefix .. 'act:' .. minute
local active = false  -- whether this batch wrote to the activity bucket

local function count_activity(field, by)
  redis.call('HINCRBY', activity, field, by)
  active = true
end
if tonumber(ARGV[8]) > 0 then count_activity('applied', tonumber(ARGV[8])) end
local f = tonumber(ARGV[10])
for k = 0, f - 1 do
  count_activity('f:' .. ARGV[11 + 2 * k], tonumber(ARGV[12 + 2 * k]))
end
local first_state = 11 + 2 * f

-- A registration's node in the journey graph: its step while active, else its status.
local function node(step, status)
  if status == 'active' then return step end
  return status
end

-- Moves `id` from the index of its old value (if any and different) to that of the new one.
local function reindex(kind, old, new, id, score)
  if old and old ~= new then
    redis.call('ZREM', prefix .. 'idx:' .. kind .. ':' .. old, id)
  end
  redis.call('ZADD', prefix .. 'idx:' .. kind .. ':' .. new, score, id)
end

-- Takes a tombstone out of the read side: every index that may hold it, its meta, its history.
local function forget(id, channel, phase, status)
  local meta = prefix .. 'meta:' .. id
  local old = redis.call('HMGET', meta, 'channel', 'phase', 'status')
  redis.call('ZREM', prefix .. 'idx:all', id)
  for _, kv in ipairs({{'channel', old[1]}, {'phase', old[2]}, {'status', old[3]},
                       {'channel', channel}, {'phase', phase}, {'status', status}}) do
    if kv[2] then redis.call('ZREM', prefix .. 'idx:' .. kv[1] .. ':' .. kv[2], id) end
  end
  redis.call('DEL', meta, prefix .. 'hist:' .. id)
end

-- Keeps a registration's meta, index entries and counters in step with its state.
local function index(id, channel, phase, step, status, changed)
  local meta = prefix .. 'meta:' .. id
  local old = redis.call('HMGET', meta, 'channel', 'phase', 'status', 'step')
  local oc, op, os, ostep = old[1], old[2], old[3], old[4]
  redis.call('ZADD', prefix .. 'idx:all', changed, id)
  reindex('phase', op, phase, id, changed)
  reindex('status', os, status, id, changed)
  reindex('channel', oc, channel, id, changed)
  if oc ~= channel or op ~= phase or os ~= status then
    redis.call('HSET', meta, 'channel', channel, 'phase', phase, 'status', status)
    if oc then
      redis.call('HINCRBY', funnel, 'status:' .. oc .. ':' .. os, -1)
      if os == 'active' then redis.call('HINCRBY', funnel, 'active:' .. oc .. ':' .. op, -1) end
    end
    redis.call('HINCRBY', funnel, 'status:' .. channel .. ':' .. status, 1)
    if status == 'active' then
      redis.call('HINCRBY', funnel, 'active:' .. channel .. ':' .. phase, 1)
    end
    -- The phases reached, one field ',consent,card,' (a field per phase cost ~30 bytes
    -- each); another channel starts afresh. A meta written before it has r:<channel>:<phase>.
    -- All seven phases make 59 bytes: under hash-max-listpack-value (64), so meta stays a
    -- listpack (a value past it turns the hash into a table of ~4x the size).
    local reached = (oc == channel and redis.call('HGET', meta, 'r')) or ','
    if not string.find(reached, ',' .. phase .. ',', 1, true) then
      redis.call('HSET', meta, 'r', reached .. phase .. ',')
      if redis.call('HEXISTS', meta, 'r:' .. channel .. ':' .. phase) == 0 then
        redis.call('HINCRBY', funnel, 'reached:' .. channel .. ':' .. phase, 1)
      end
    end
  end
  if ostep ~= step or oc ~= channel or os ~= status then
    redis.call('HSET', meta, 'step', step)
    -- A meta without a step (written before the step counters existed) was never counted.
    if ostep then
      redis.call('HINCRBY', steps, oc .. ':' .. ostep .. ':' .. os, -1)
      if oc == channel then
        local from, to = node(ostep, os), node(step, status)
        if from ~= to then count_activity('e:' .. channel .. ':' .. from .. ':' .. to, 1) end
      end
    end
    redis.call('HINCRBY', steps, channel .. ':' .. step .. ':' .. status, 1)
  end
end

local purged = {}  -- tombstones of this batch: their audit records go to no history
local issued = {}  -- issued registrations of this batch: their records are counted, not kept

-- An issued registration's history goes: its records are counted in meta's history_dropped
-- (the history endpoint answers total 0 and that count; the trail is on enroll.audit). Its
-- phases reached go too: an issued registration reaches no other.
local function drop_history(id)
  issued[id] = true
  local hist = prefix .. 'hist:' .. id
  local kept = redis.call('LLEN', hist)
  if kept > 0 then
    redis.call('HINCRBY', prefix .. 'meta:' .. id, 'history_dropped', kept)
    redis.call('DEL', hist)
    redis.call('HDEL', prefix .. 'meta:' .. id, 'r')
  end
end

for i = 1, n do
  local a = first_state + (i - 1) * 9
  local id, due = ARGV[a + 1], ARGV[a + 2]
  local channel, phase, step = ARGV[a + 3], ARGV[a + 4], ARGV[a + 5]
  local status, changed = ARGV[a + 6], ARGV[a + 7]
  redis.call('SET', KEYS[5 + i], ARGV[a])
  if due == '' then
    redis.call('ZREM', KEYS[4], id)
  else
    redis.call('ZADD', KEYS[4], due, id)
  end
  if ARGV[a + 8] == '1' then
    forget(id, channel, phase, status)
    purged[id] = true
  else
    index(id, channel, phase, step, status, changed)
    if status == 'issued' then drop_history(id) end
  end
end
if active then
  -- Kept for the hour after the minute ends (the API shows the last 60 minutes).
  redis.call('EXPIREAT', activity, (minute + 1) * 60 + 3600)
end

local j = first_state + n * 9
for _ = 1, m do
  redis.call('ZREM', KEYS[4], ARGV[j])
  j = j + 1
end

local ids = {}
while j <= #ARGV do
  local id, history, head = ARGV[j + 1], ARGV[j + 3], ARGV[j + 4]
  ids[#ids + 1] = redis.call('XADD', KEYS[3], '*', 't', ARGV[j], 'k', id, 'v', ARGV[j + 2])
  -- The head for the next checkpoint (a tombstone's too).
  if head ~= '' then redis.call('HSET', prefix .. 'audit:pending', id, head) end
  if history ~= '' and not purged[id] then
    local hist = prefix .. 'hist:' .. id
    if not issued[id] and redis.call('LLEN', hist) < history_cap then
      redis.call('RPUSH', hist, history)
    else
      redis.call('HINCRBY', prefix .. 'meta:' .. id, 'history_dropped', 1)
    end
  end
  j = j + 5
end
applied(KEYS[5], name, ids)
return ids

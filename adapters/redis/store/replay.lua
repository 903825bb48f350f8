-- Embedded before commit.lua and checkpoint.lua (scripts.hpp): what makes a retried commit
-- safe. A commit is named by its owner's epoch and a number the owner gives it, the same for
-- every retry of it (Store::commit's CommitId). A retry whose first run Redis applied, its
-- answer lost with the connection (Redis killed after the script ran, a network cut), finds
-- that name in the partition's last-commit key and is answered what the first run answered
-- (its outbox entry ids) instead of being applied again: applied twice, the outbox would hold
-- its messages twice under new ids and the minute's activity would count them twice. Only the
-- last commit is kept: the owner retries a commit until it is answered before it begins the
-- next.

local function commit_name(epoch, number)
  return epoch .. ':' .. number
end

-- The outbox entry ids answered to the commit named `name` if it is the last one applied,
-- else nil. The key holds the name, then the ids, separated by spaces.
local function replayed(last_key, name)
  local last = redis.call('GET', last_key)
  if not last or string.sub(last, 1, #name + 1) ~= name .. ' ' then return nil end
  local ids = {}
  for id in string.gmatch(string.sub(last, #name + 2), '%S+') do ids[#ids + 1] = id end
  return ids
end

-- Records the commit named `name` as the last one applied, with its answer.
local function applied(last_key, name, ids)
  redis.call('SET', last_key, name .. ' ' .. table.concat(ids, ' '))
end


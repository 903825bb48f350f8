#!lua flags=no-writes
-- One partition's page of a listing (the HTTP API's GET /v1/registrations), read-only: walks
-- an index (commit.lua keeps them) in its order, last change then id, from a position, and
-- keeps the registrations whose meta matches the filters.
-- KEYS[1] the index to walk: idx:all, or idx:<kind>:<value> of one of the filters
-- ARGV[1] the partition's key prefix, ARGV[2] the lowest score (inclusive), ARGV[3] the id
-- after which to start among the members scored ARGV[2] ('' for none), ARGV[4] the highest
-- score ('+inf' or a number, inclusive), ARGV[5] limit, ARGV[6] budget (members examined at
-- most), ARGV[7] phase, ARGV[8] status, ARGV[9] channel, ARGV[10] step ('' matches any; a
-- registration whose meta has no step yet, committed before meta had one, matches no step).
-- Returns {state, last score, last id, then id, score, channel, phase, status, step ('' if
-- unknown) per match}:
-- state 'done' (nothing left in the range), 'full' (limit matches) or 'budget' (stopped);
-- every member up to (last score, last id) has been examined.
-- With ARGV[11] 'count' (a count: GET /v1/registrations/count), the matches are counted, not
-- returned, and there is no limit: {state, last score, last id, matches}.
local prefix, after, max = ARGV[1], ARGV[3], ARGV[4]
local min = tonumber(ARGV[2])
local limit, budget = tonumber(ARGV[5]), tonumber(ARGV[6])
local counting = ARGV[11] == 'count'
local want = {ARGV[9], ARGV[7], ARGV[8], ARGV[10]}  -- in HMGET's order: channel, phase, status, step

-- Byte order, as the sorted set orders equal scores (Lua's '<' follows the locale).
local function byte_le(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = a:byte(i), b:byte(i)
    if x ~= y then return x < y end
  end
  return #a <= #b
end

local out = {'done', '', ''}
local found = 0
local function walk()
  local examined, offset = 0, 0
  while true do
    local chunk = redis.call('ZRANGE', KEYS[1], ARGV[2], max, 'BYSCORE', 'LIMIT', offset, 256,
                             'WITHSCORES')
    if #chunk == 0 then return 'done' end
    offset = offset + #chunk / 2
    for k = 1, #chunk, 2 do
      if examined >= budget then return 'budget' end
      examined = examined + 1
      local id, score = chunk[k], chunk[k + 1]
      out[2], out[3] = score, id
      if after == '' or tonumber(score) ~= min or not byte_le(id, after) then
        local m = redis.call('HMGET', prefix .. 'meta:' .. id, 'channel', 'phase', 'status', 'step')
        local keep = m[1] and m[2] and m[3]
        for f = 1, 4 do
          if want[f] ~= '' and m[f] ~= want[f] then keep = false end
        end
        if keep and counting then
          found = found + 1
        elseif keep then
          out[#out + 1] = id
          out[#out + 1] = score
          out[#out + 1] = m[1]
          out[#out + 1] = m[2]
          out[#out + 1] = m[3]
          out[#out + 1] = m[4] or ''
          found = found + 1
          if found >= limit then return 'full' end
        end
      end
    end
  end
end
out[1] = walk()
if counting then out[4] = found end
return out

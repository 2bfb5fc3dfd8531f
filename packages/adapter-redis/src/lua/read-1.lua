--[[
  Reads one page of a complete timeline: the newest `limit` entries below `before`, without copying the whole string
  (a binary search with GETRANGE, then one GETRANGE of the page). The layout is described in includes/timeline.lua.

  KEYS[1]  the timeline
  ARGV[1]  before: 8 bytes big-endian (entries strictly below it), or empty for the newest entries
  ARGV[2]  limit: the most entries to return (integer >= 0)
  ARGV[3]  ttl in seconds to refresh when the timeline exists; 0 leaves the TTL alone

  Returns  false (nil) when the timeline is absent or not complete; else { header, page }: the 9-byte header (floor,
           flags) and the page's entries, 8 bytes each, ascending. Entries of the page at or below the floor are
           stale and not part of the timeline (the caller drops them; all entries before the page are stale then).
           -1 when the key holds a value that is not a timeline.
]]
--- @include "timeline"

local key = KEYS[1]
local before = ARGV[1]
local limit = tonumber(ARGV[2])
local ttl = ARGV[3]
local len = redis.call('STRLEN', key)
if len == 0 then return false end
if len < 9 or (len - 9) % 8 ~= 0 then return -1 end
-- A small timeline is read whole; of a bigger one, only the bytes needed.
local whole = len <= SMALL
local r
if whole then r = redis.call('GET', key) else r = redis.call('GETRANGE', key, '0', '8') end
refresh(key, ttl)
if bit.band(string.byte(r, 9), 1) == 0 then return false end

local n = (len - 9) / 8
local stop = n
if #before == 8 then
  local bhi, blo = unpack('>I4I4', before)
  local a, b = 0, n
  while a < b do
    local mid = math.floor((a + b) / 2)
    local h, l
    if whole then
      h, l = unpack('>I4I4', r, 10 + 8 * mid)
    else
      h, l = unpack('>I4I4', redis.call('GETRANGE', key, 9 + 8 * mid, 16 + 8 * mid))
    end
    if below(h, l, bhi, blo) then a = mid + 1 else b = mid end
  end
  stop = a
end
local start = stop - limit
if start < 0 then start = 0 end
local page = ''
if start < stop then
  if whole then
    page = sub(r, 10 + 8 * start, 9 + 8 * stop)
  else
    page = redis.call('GETRANGE', key, 9 + 8 * start, 8 + 8 * stop)
  end
end
return { sub(r, 1, 9), page }

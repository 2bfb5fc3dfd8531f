--[[
  Reads one page of a complete timeline: the newest `limit` entries below `before`, without copying the whole string
  (a binary search with GETRANGE, then one GETRANGE of the page). The layout is described in includes/timeline.lua.

  KEYS[1]  the timeline
  ARGV[1]  before: 8 bytes big-endian (entries strictly below it), or empty for the newest entries
  ARGV[2]  limit: the most entries to return (integer >= 0)
  ARGV[3]  ttl in seconds to refresh when the timeline exists; 0 leaves the TTL alone
  ARGV[4]  cap: the most entries a timeline holds (integer >= 1)

  Returns  false (nil) when the timeline is absent or not complete; else { header, page }: a 9-byte header (the floor
           this cap sees, which may be higher than the stored one; the flags) and the page's entries, 8 bytes each,
           ascending, none of them before the last `cap`. Entries of the page at or below the floor are stale and
           not part of the timeline (the caller drops them; all entries before the page are stale then).
           -1 when the key holds a value that is not a timeline.
]]
--- @include "timeline"

local key = KEYS[1]
local before = ARGV[1]
local limit = tonumber(ARGV[2])
local ttl = ARGV[3]
local cap = tonumber(ARGV[4])
local len = call('STRLEN', key)
if len == 0 then return false end
if len < 9 or (len - 9) % 8 ~= 0 then return -1 end
-- A small timeline is read whole; of a bigger one, only the bytes needed.
local whole = len <= SMALL
local r
if whole then r = call('GET', key) else r = call('GETRANGE', key, '0', '8') end
refresh(key, ttl)
if bit.band(string.byte(r, 9), 1) == 0 then return false end

local n = (len - 9) / 8
-- Only the last `cap` entries can be live; the one just before them is the implicit floor.
local first = 0
local floor = sub(r, 1, 8)
if n > cap then
  first = n - cap
  local at = 9 + 8 * (first - 1)
  if whole then
    floor = higher(floor, sub(r, at + 1, at + 8))
  else
    floor = higher(floor, call('GETRANGE', key, at, at + 7))
  end
end
local stop = n
if #before == 8 then
  local bhi, blo = unpack('>I4I4', before)
  local a, b = first, n
  while a < b do
    local mid = math.floor((a + b) / 2)
    local h, l
    if whole then
      h, l = unpack('>I4I4', r, 10 + 8 * mid)
    else
      h, l = unpack('>I4I4', call('GETRANGE', key, 9 + 8 * mid, 16 + 8 * mid))
    end
    if below(h, l, bhi, blo) then a = mid + 1 else b = mid end
  end
  stop = a
end
local start = stop - limit
if start < first then start = first end
local page = ''
if start < stop then
  if whole then
    page = sub(r, 10 + 8 * start, 9 + 8 * stop)
  else
    page = call('GETRANGE', key, 9 + 8 * start, 8 + 8 * stop)
  end
end
return { floor .. sub(r, 9, 9), page }

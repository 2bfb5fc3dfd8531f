--[[
  Adds ids to one timeline, raises its floor, drops entries at or below it and trims to the cap: `fill` (completes a
  rebuild, creating the timeline if absent) and `merge` (backfills a timeline that exists; absent ones stay absent).

  The timeline is rewritten without stale entries; the layout is described in includes/timeline.lua.

  KEYS[1]  the timeline
  ARGV[1]  the floor to raise to, 8 bytes big-endian (a floor already higher, header's or implicit, stays)
  ARGV[2]  the ids to add: 8-byte big-endian ids, ascending, without duplicates (may be empty)
  ARGV[3]  cap: the most entries a timeline holds (integer >= 1)
  ARGV[4]  ttl in seconds to set; 0 leaves the TTL alone
  ARGV[5]  '1' for fill (create if absent, mark complete), '0' for merge (only if it exists, flags kept)

  Returns  1 when the timeline was written, 0 when it is absent and this is a merge, -1 when the key holds a value
           that is not a timeline (nothing was written)
]]
--- @include "timeline"

local key = KEYS[1]
local newFloor = ARGV[1]
local ids = ARGV[2]
local cap = tonumber(ARGV[3])
local ttl = ARGV[4]
local fill = ARGV[5] == '1'

local s = call('GET', key)
if not s then
  if not fill then return 0 end
  s = string.rep('\0', 9)
end
local len = #s
if len < 9 or (len - 9) % 8 ~= 0 or #ids % 8 ~= 0 then return -1 end
local n = (len - 9) / 8
local m = #ids / 8

-- The floor this cap sees (the header's or the implicit one), raised to newFloor.
local floor = higher(floorOf(s, n, cap), newFloor)
local fhi, flo = unpack('>I4I4', floor)

local parts = {}
local count = 0
local i = rank(s, 10, 0, n, fhi, flo, true)
for j = rank(ids, 1, 0, m, fhi, flo, true), m - 1 do
  local at = 1 + 8 * j
  local hi, lo = unpack('>I4I4', ids, at)
  local p = rank(s, 10, i, n, hi, lo, false)
  if p > i then
    parts[#parts + 1] = sub(s, 10 + 8 * i, 9 + 8 * p)
    count = count + p - i
    i = p
  end
  local dup = false
  if p < n then
    local h, l = unpack('>I4I4', s, 10 + 8 * p)
    dup = h == hi and l == lo
  end
  if not dup then
    parts[#parts + 1] = sub(ids, at, at + 7)
    count = count + 1
  end
end
if i < n then
  parts[#parts + 1] = sub(s, 10 + 8 * i)
  count = count + n - i
end

local entries = table.concat(parts)
if count > cap then
  -- The oldest entries past the cap go; the floor rises to the largest of them.
  local drop = count - cap
  floor = sub(entries, 8 * drop - 7, 8 * drop)
  entries = sub(entries, 8 * drop + 1)
end

local flags = string.byte(s, 9)
if fill then flags = bit.bor(flags, 1) end
rewrite(key, floor .. string.char(flags) .. entries, ttl)
return 1

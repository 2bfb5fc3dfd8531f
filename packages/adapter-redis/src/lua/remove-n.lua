--[[
  Removes entries from timelines: every listed id from every listed timeline that holds it. The floor (as this cap
  sees it) stays; a timeline that changes is rewritten without its stale entries, that floor written into its header.
  The layout is described in includes/timeline.lua.

  KEYS[1..n]  the timelines (in a cluster the caller sends only keys of one slot)
  ARGV[1]     the ids to remove: 8-byte big-endian ids, ascending, without duplicates
  ARGV[2]     cap: the most entries a timeline holds (integer >= 1)

  Returns     how many entries were removed in all, or -1 when a key holds a value that is not a timeline (timelines
              before it were already updated; removing again is harmless)

  An id is also looked for among the entries this cap hides behind its implicit floor (above the header's floor): a
  store with a higher cap would show it otherwise. Finding it there rewrites the timeline too but counts as no removal.
]]
--- @include "timeline"

local ids = ARGV[1]
local cap = tonumber(ARGV[2])
if #ids % 8 ~= 0 then return -1 end
local m = #ids / 8

local removed = 0
for k = 1, #KEYS do
  local key = KEYS[k]
  local s = call('GET', key)
  if s then
    local len = #s
    if len < 9 or (len - 9) % 8 ~= 0 then return -1 end
    local n = (len - 9) / 8
    local fhi, flo = unpack('>I4I4', s)
    local floor = floorOf(s, n, cap)
    local ehi, elo = unpack('>I4I4', floor)
    -- Entries from `kept` on are still above the header's floor; from `live` on, above this cap's floor too.
    local kept = rank(s, 10, 0, n, fhi, flo, true)
    local live = rank(s, 10, kept, n, ehi, elo, true)
    local i = live
    local parts = { floor, sub(s, 9, 9) }
    local found = 0
    local hidden = false
    for j = 0, m - 1 do
      local hi, lo = unpack('>I4I4', ids, 1 + 8 * j)
      local at = rank(s, 10, kept, n, hi, lo, false)
      if at < n then
        local h, l = unpack('>I4I4', s, 10 + 8 * at)
        if h == hi and l == lo then
          if at < live then
            hidden = true
          else
            if at > i then parts[#parts + 1] = sub(s, 10 + 8 * i, 9 + 8 * at) end
            i = at + 1
            found = found + 1
          end
        end
      end
    end
    if found > 0 or hidden then
      if i < n then parts[#parts + 1] = sub(s, 10 + 8 * i) end
      rewrite(key, table.concat(parts), '0')
      removed = removed + found
    end
  end
end
return removed

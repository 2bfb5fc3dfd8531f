--[[
  Adds one entry to each listed timeline that exists (complete or prepared); absent ones stay absent.
  The layout of a timeline (its floor, implicit floor and stale entries) is described in includes/timeline.lua.

  KEYS[1..n]  the timelines (in a cluster the caller sends only keys of one slot)
  ARGV[1]     the entry id, 8 bytes big-endian
  ARGV[2]     cap: the most entries a timeline holds (integer >= 1)
  ARGV[3]     ttl in seconds to refresh on every timeline that exists; 0 leaves TTLs alone

  Returns     how many of the timelines hold the entry after the call (ones that already had it count; ones where it
              is at or below the floor, or trimmed at once, do not), or -1 when a key holds a value that is not a
              timeline (timelines before it were already updated; push is idempotent, so a retry is safe)

  The common case, an id newer than every entry, reads the last entry and appends 8 bytes, full timeline or not (the
  implicit floor trims it); any other insert rewrites the string.
]]
--- @include "timeline"

local id = ARGV[1]
local cap = tonumber(ARGV[2])
local ttl = ARGV[3]
local ihi, ilo = unpack('>I4I4', id)

-- Inserts the id anywhere into timeline `s` (its whole string), trimming to the cap, and rewrites it without stale
-- entries. Returns 1 when the timeline holds the id afterwards, else 0.
local function insert(key, s)
  local n = (#s - 9) / 8
  local fhi, flo = unpack('>I4I4', s)
  if not below(fhi, flo, ihi, ilo) then
    refresh(key, ttl)
    return 0
  end
  local floor = floorOf(s, n, cap)
  local ehi, elo = unpack('>I4I4', floor)
  if not below(ehi, elo, ihi, ilo) then
    -- Above the header's floor but at or below the implicit one: turning the id away needs that floor in the header
    -- (a store with a higher cap would otherwise count the id as held).
    call('SETRANGE', key, '0', floor)
    refresh(key, ttl)
    return 0
  end
  local stale = rank(s, 10, 0, n, ehi, elo, true)
  local pos = rank(s, 10, stale, n, ihi, ilo, false)
  if pos < n then
    local h, l = unpack('>I4I4', s, 10 + 8 * pos)
    if h == ihi and l == ilo then
      refresh(key, ttl)
      return 1
    end
  end
  local flags = sub(s, 9, 9)
  -- At most `cap` entries are above the floor; with the id one more, the oldest of them goes when there are `cap`.
  if n - stale < cap then
    rewrite(key, floor .. flags .. sub(s, 10 + 8 * stale, 9 + 8 * pos) .. id .. sub(s, 10 + 8 * pos), ttl)
    return 1
  end
  if pos > stale then
    -- The oldest entry goes; the floor rises to it.
    local at = 10 + 8 * stale
    rewrite(key, sub(s, at, at + 7) .. flags .. sub(s, at + 8, 9 + 8 * pos) .. id .. sub(s, 10 + 8 * pos), ttl)
    return 1
  end
  -- The id itself is trimmed at once: only the floor moves, to the id (every entry left is above it).
  call('SETRANGE', key, '0', id)
  refresh(key, ttl)
  return 0
end

-- Whether a timeline of `len` bytes keeps the id appended to it as it is: in place when its allocation had room (a
-- full timeline's oldest entry then turns stale under the implicit floor), or, while it is small and was not full,
-- after an APPEND that may double its small allocation (cheaper than copying it on every push; it is rewritten
-- exactly sized once it passes SMALL bytes or is full).
local function keeps(len)
  return len + 8 <= room(len) or (len + 8 <= SMALL and len < 9 + 8 * cap)
end

-- Rewrites a timeline that the id was just appended to (`len`: its length before) without its stale entries, the
-- floor it now has written into the header.
local function rewriteAppended(key, len)
  local s = call('GET', key)
  local n = (len + 8 - 9) / 8
  local floor = floorOf(s, n, cap)
  local fhi, flo = unpack('>I4I4', floor)
  local stale = rank(s, 10, 0, n, fhi, flo, true)
  rewrite(key, floor .. sub(s, 9, 9) .. sub(s, 10 + 8 * stale), ttl)
end

-- The common case, an id above the last entry, is two commands: GETRANGE of the last 16 bytes, then APPEND, whose
-- reply gives the length (and so the check that the key holds a timeline) without a STRLEN. The 16 bytes are the
-- last entry, or, when the string is shorter, all of it: the 9 bytes of an empty timeline, whose floor is then at
-- hand; any other length under 16 is no timeline. Longer strings are checked by their length after the APPEND.
local held = 0
for k = 1, #KEYS do
  local key = KEYS[k]
  local tail = call('GETRANGE', key, '-16', '-1')
  local size = #tail
  if size > 0 then
    if size < 16 and size ~= 9 then return -1 end
    -- The last entry, or the floor of an empty timeline.
    local h, l
    if size == 9 then h, l = unpack('>I4I4', tail) else h, l = unpack('>I4I4', tail, 9) end
    if h < ihi or (h == ihi and l < ilo) then
      -- Above the last entry, so above every floor (the last entry is above the header's floor).
      local len = call('APPEND', key, id) - 8
      if (len - 9) % 8 ~= 0 then
        -- Not a timeline after all: the value goes back as it was.
        call('SET', key, call('GETRANGE', key, '0', tostring(len - 1)), 'KEEPTTL')
        return -1
      end
      if keeps(len) then
        if ttl ~= '0' then call('EXPIRE', key, ttl) end
      else
        rewriteAppended(key, len)
      end
      held = held + 1
    elseif size == 9 then
      -- At or below the floor of an empty timeline.
      refresh(key, ttl)
    elseif h == ihi and l == ilo then
      -- The newest entry, live for every cap: already held (a retried batch), once the key is known to be a timeline.
      if (call('STRLEN', key) - 9) % 8 ~= 0 then return -1 end
      refresh(key, ttl)
      held = held + 1
    else
      local s = call('GET', key)
      if (#s - 9) % 8 ~= 0 then return -1 end
      held = held + insert(key, s)
    end
  end
end
return held

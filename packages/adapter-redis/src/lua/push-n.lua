--[[
  Adds one entry to each listed timeline that exists (complete or prepared); absent ones stay absent.
  The layout of a timeline (and of its stale entries) is described in includes/timeline.lua.

  KEYS[1..n]  the timelines (in a cluster the caller sends only keys of one slot)
  ARGV[1]     the entry id, 8 bytes big-endian
  ARGV[2]     cap: the most entries a timeline holds (integer >= 1)
  ARGV[3]     ttl in seconds to refresh on every timeline that exists; 0 leaves TTLs alone

  Returns     how many of the timelines hold the entry after the call (ones that already had it count; ones where it
              is at or below the floor, or trimmed at once, do not), or -1 when a key holds a value that is not a
              timeline (timelines before it were already updated; push is idempotent, so a retry is safe)

  The common case, an id newer than every entry, reads a few bytes and appends 8 (raising the floor in place when the
  timeline is full); any other insert rewrites the string.
]]
--- @include "timeline"

local id = ARGV[1]
local cap = tonumber(ARGV[2])
local ttl = ARGV[3]
local ihi, ilo = unpack('>I4I4', id)
-- The oldest of the last `cap` entries, as offsets from the end (the same strings for every timeline).
local OLDEST_FROM = tostring(-8 * cap)
local OLDEST_TO = tostring(-8 * cap + 7)

-- Inserts the id anywhere into timeline `s` (its whole string), trimming to the cap, and rewrites it without stale
-- entries. Returns 1 when the timeline holds the id afterwards, else 0.
local function insert(key, s)
  local n = (#s - 9) / 8
  local fhi, flo = unpack('>I4I4', s)
  local stale = rank(s, 10, 0, n, fhi, flo, true)
  local pos = rank(s, 10, stale, n, ihi, ilo, false)
  if pos < n then
    local h, l = unpack('>I4I4', s, 10 + 8 * pos)
    if h == ihi and l == ilo then
      refresh(key, ttl)
      return 1
    end
  end
  local flags = sub(s, 9, 9)
  local older = pos - stale
  -- The live entries with the id among them are (older) below it, the id, the rest; the first `drop` of them go.
  local drop = n - stale + 1 - cap
  if drop <= 0 then
    rewrite(key, sub(s, 1, 8) .. flags .. sub(s, 10 + 8 * stale, 9 + 8 * pos) .. id .. sub(s, 10 + 8 * pos), ttl)
    return 1
  end
  if older >= drop then
    -- Existing entries go; the floor rises to the largest of them.
    local at = 10 + 8 * (stale + drop - 1)
    rewrite(key, sub(s, at, at + 7) .. flags .. sub(s, at + 8, 9 + 8 * pos) .. id .. sub(s, 10 + 8 * pos), ttl)
    return 1
  end
  -- The id itself is trimmed at once: only the floor moves (to the largest entry dropped).
  if drop == 1 then
    redis.call('SETRANGE', key, '0', id)
    refresh(key, ttl)
  else
    local raised = id
    if older < drop - 1 then raised = sub(s, 10 + 8 * (stale + drop - 2), 17 + 8 * (stale + drop - 2)) end
    rewrite(key, raised .. flags .. sub(s, 10 + 8 * (stale + drop - 1)), ttl)
  end
  return 0
end

-- Appends the id, newer than every entry, to a timeline of `len` bytes whose header (or whole string, if `whole`) is
-- `r`. Only a full timeline changes its floor: to its oldest live entry, which then turns stale. Stale entries are
-- found from the length and the cap (a push leaves them only in a full timeline); returns false when the entry so found
-- is not above the floor (the cap was raised since), and `insert` handles it. A lowered cap needs nothing more: the
-- entries before the last `cap` are trimmed at once, the floor rising to the oldest of the last `cap`, as a trim to
-- the new cap would. A timeline that is not full needs no check: stale entries or not, it stays below the cap.
local function append(key, r, len, whole)
  local n = (len - 9) / 8
  local stale = 0
  if n > cap then stale = n - cap end
  local full = n >= cap
  local first = nil
  if full then
    if whole then
      first = sub(r, 10 + 8 * stale, 17 + 8 * stale)
    else
      first = redis.call('GETRANGE', key, OLDEST_FROM, OLDEST_TO)
    end
    local fhi, flo = unpack('>I4I4', r)
    local h, l = unpack('>I4I4', first)
    if not below(fhi, flo, h, l) then return false end
  end
  if len + 8 <= room(len) then
    -- In place: the oldest entry turns stale under the raised floor, the id goes at the end.
    if full then redis.call('SETRANGE', key, '0', first) end
    redis.call('APPEND', key, id)
    refresh(key, ttl)
  elseif whole and not full and len + 8 <= SMALL then
    -- A small timeline grows by APPEND: the first one may double its (small) allocation, which is cheaper than
    -- copying the string on every push; it is rewritten exactly sized once it passes SMALL bytes.
    redis.call('APPEND', key, id)
    refresh(key, ttl)
  else
    local gone = stale
    local floor = sub(r, 1, 8)
    if full then
      gone = stale + 1
      floor = first
    end
    local rest = ''
    if gone < n then
      if whole then rest = sub(r, 10 + 8 * gone) else rest = redis.call('GETRANGE', key, 9 + 8 * gone, len - 1) end
    end
    rewrite(key, floor .. sub(r, 9, 9) .. rest .. id, ttl)
  end
  return true
end

local held = 0
for k = 1, #KEYS do
  local key = KEYS[k]
  local len = redis.call('STRLEN', key)
  if len > 0 then
    if len < 9 or (len - 9) % 8 ~= 0 then return -1 end
    -- A small timeline is read whole; of a bigger one, only the bytes needed.
    local whole = len <= SMALL
    local r
    if whole then r = redis.call('GET', key) else r = redis.call('GETRANGE', key, '0', '8') end
    local fhi, flo = unpack('>I4I4', r)
    if not below(fhi, flo, ihi, ilo) then
      refresh(key, ttl)
    else
      local newest = len == 9
      if not newest then
        local h, l
        if whole then
          h, l = unpack('>I4I4', r, len - 7)
        else
          h, l = unpack('>I4I4', redis.call('GETRANGE', key, '-8', '-1'))
        end
        newest = below(h, l, ihi, ilo)
      end
      if newest and append(key, r, len, whole) then
        held = held + 1
      else
        local s = r
        if not whole then s = redis.call('GET', key) end
        held = held + insert(key, s)
      end
    end
  end
end
return held

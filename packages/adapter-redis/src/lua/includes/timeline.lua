--[[
  Shared by the timeline scripts: each inlines this file where it says `--- @include "timeline"`.

  A timeline is one string: an 8-byte big-endian floor, a flags byte (bit 0: complete), then the entries as 8-byte
  big-endian unsigned ids in ascending order, so pushing a newer id appends at the end.

  Which entries belong to the timeline depends on the cap of the store reading it. For a store with cap `cap`, the
  floor of a timeline of `n` entries is the higher of the header's floor and, when n > cap, the entry just before the
  last `cap` (the "implicit floor"); entries at or below that floor are stale, the rest (at most `cap`, the newest)
  are the timeline. So a push into a full timeline is a plain append: the oldest entry turns stale without a write.
  Stale entries are dropped the next time the string is rewritten (every rewrite writes the floor it saw into the
  header). Strings written by the older layout, where pushes raised the header's floor in place, read the same: their
  stale entries are at or below the header's floor, and no more than `cap` entries are above it.

  Every writer keeps two invariants, on which the others rely whatever their cap:
  1. Every entry above the header's floor is one the timeline was given and has not removed, and every id it was given
     (and has not removed) above the header's floor is there. So a store may hide entries behind its implicit floor
     only by leaving them: when it turns away an id because of its implicit floor (an insert at or below it), or
     drops entries in a rewrite, it writes that floor into the header first; and a remove takes the id out of the
     entries above the header's floor even when this store's cap hides it. A store with a higher cap then sees more
     of the same timeline (entries a lower cap only hid come back, with a lower floor), never a hole or a removed
     entry; a store with a lower cap sees its newest `cap`, as if trimmed.
  2. The last entry, when there is one, is above the header's floor. A push of an id above the last entry therefore
     needs neither the header nor the cap: it appends (that is all a delivery costs: a GETRANGE of the last 16 bytes
     and the APPEND, whose reply, the new length, checks that the key holds a timeline).

  Ids are compared as two 32-bit halves (struct.unpack), never as Lua numbers (doubles lose precision above 2^53) and
  never with `<` on strings (that uses strcoll). Big strings are avoided where a GETRANGE will do: Redis's Lua hashes
  every byte of every string it creates. Arguments to redis.call are strings where they can be (ttl is passed on as
  the ARGV string): Redis formats a Lua number argument with snprintf on every call.
]]
local call = redis.call
local unpack = struct.unpack
local sub = string.sub
local ceil = math.ceil

-- Whether id (ahi, alo) is below id (bhi, blo).
local function below(ahi, alo, bhi, blo)
  return ahi < bhi or (ahi == bhi and alo < blo)
end

-- The higher of two 8-byte ids.
local function higher(a, b)
  local ahi, alo = unpack('>I4I4', a)
  local bhi, blo = unpack('>I4I4', b)
  if below(ahi, alo, bhi, blo) then return b end
  return a
end

-- The floor a store with cap `cap` sees in timeline `s` (its whole string) of `n` entries, as 8 bytes: the header's,
-- or the entry just before the last `cap` when that is higher.
local function floorOf(s, n, cap)
  local floor = sub(s, 1, 8)
  if n <= cap then return floor end
  local at = 10 + 8 * (n - cap - 1)
  return higher(floor, sub(s, at, at + 7))
end

-- How many of the `count` entries of `str` (entry 0 at byte `base`) from entry `from` on are below (hi, lo), or at
-- or below it with `orEqual`: a binary search.
local function rank(str, base, from, count, hi, lo, orEqual)
  local a, b = from, count
  while a < b do
    local mid = math.floor((a + b) / 2)
    local h, l = unpack('>I4I4', str, base + 8 * mid)
    if below(h, l, hi, lo) or (orEqual and h == hi and l == lo) then a = mid + 1 else b = mid end
  end
  return a
end

-- Timelines of up to this many bytes are written with SET (a copy is cheap at that size) and may grow by APPEND.
local SMALL = 256

-- The length a string of more than SMALL bytes, written by `rewrite`, can grow to in place: SETRANGE on a missing key
-- allocates it with jemalloc's usable size (classes four per doubling) and records that size, so APPEND reuses the
-- room; one byte past it and APPEND doubles the allocation (SET would trim the room away). Small strings: see push.
-- Remembered per length for the rest of the script call (push asks once per timeline it appends to).
local rooms = {}
local function room(len)
  local usable = rooms[len]
  if usable then return usable end
  if len <= SMALL then return len end
  local header, most = 5, 65535
  if len >= 65536 then header, most = 9, 4294967295 end
  local size = len + header + 1
  local power = 512
  while power < size do power = power * 2 end
  local spacing = power / 8
  usable = ceil(size / spacing) * spacing - header - 1
  if usable > most then usable = most end
  rooms[len] = usable
  return usable
end

-- Refreshes the TTL of a timeline that exists when the store has one (`ttl`: seconds as a string, '0' for none).
local function refresh(key, ttl)
  if ttl ~= '0' then call('EXPIRE', key, ttl) end
end

-- Writes `value` as the timeline, setting its TTL to `ttl` (seconds as a string; '0' keeps the TTL it had). A big
-- value is written as a fresh string (DEL, then SETRANGE on the missing key), which keeps jemalloc's room for appends.
local function rewrite(key, value, ttl)
  if #value <= SMALL then
    if ttl ~= '0' then
      call('SET', key, value, 'EX', ttl)
    else
      call('SET', key, value, 'KEEPTTL')
    end
    return
  end
  local keep = 0
  if ttl == '0' then keep = call('PTTL', key) end
  call('DEL', key)
  call('SETRANGE', key, '0', value)
  if ttl ~= '0' then
    call('EXPIRE', key, ttl)
  elseif keep > 0 then
    call('PEXPIRE', key, keep)
  end
end

--[[
  Shared by the timeline scripts: each inlines this file where it says `--- @include "timeline"`.

  A timeline is one string: an 8-byte big-endian floor, a flags byte (bit 0: complete), then the entries as 8-byte
  big-endian unsigned ids in ascending order, so pushing a newer id appends at the end.

  Entries at or below the floor are not part of the timeline. A push into a full timeline raises the floor past its
  oldest entry and leaves that entry where it is, so the push stays an append; such stale entries are dropped the
  next time the string is rewritten. A push leaves them only in a full timeline, whose last `cap` entries are then the
  live ones (push checks that before relying on it: a store with another cap may have written the timeline).

  Ids are compared as two 32-bit halves (struct.unpack), never as Lua numbers (doubles lose precision above 2^53) and
  never with `<` on strings (that uses strcoll). Big strings are avoided where a GETRANGE will do: Redis's Lua hashes
  every byte of every string it creates. Arguments to redis.call are strings where they can be (ttl is passed on as
  the ARGV string): Redis formats a Lua number argument with snprintf on every call.
]]
local unpack = struct.unpack
local sub = string.sub

-- Whether id (ahi, alo) is below id (bhi, blo).
local function below(ahi, alo, bhi, blo)
  return ahi < bhi or (ahi == bhi and alo < blo)
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
local function room(len)
  if len <= SMALL then return len end
  local header, most = 5, 65535
  if len >= 65536 then header, most = 9, 4294967295 end
  local size = len + header + 1
  local power = 512
  while power < size do power = power * 2 end
  local spacing = power / 8
  local usable = math.ceil(size / spacing) * spacing - header - 1
  if usable > most then usable = most end
  return usable
end

-- Refreshes the TTL of a timeline that exists when the store has one (`ttl`: seconds as a string, '0' for none).
local function refresh(key, ttl)
  if ttl ~= '0' then redis.call('EXPIRE', key, ttl) end
end

-- Writes `value` as the timeline, setting its TTL to `ttl` (seconds as a string; '0' keeps the TTL it had). A big
-- value is written as a fresh string (DEL, then SETRANGE on the missing key), which keeps jemalloc's room for appends.
local function rewrite(key, value, ttl)
  if #value <= SMALL then
    if ttl ~= '0' then
      redis.call('SET', key, value, 'EX', ttl)
    else
      redis.call('SET', key, value, 'KEEPTTL')
    end
    return
  end
  local keep = 0
  if ttl == '0' then keep = redis.call('PTTL', key) end
  redis.call('DEL', key)
  redis.call('SETRANGE', key, '0', value)
  if ttl ~= '0' then
    redis.call('EXPIRE', key, ttl)
  elseif keep > 0 then
    redis.call('PEXPIRE', key, keep)
  end
end

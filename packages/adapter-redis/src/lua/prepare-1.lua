--[[
  Creates an empty, incomplete timeline (floor 0, flags 0) unless the key already holds one; an existing timeline is
  kept as it is, TTL included.

  KEYS[1]  the timeline
  ARGV[1]  ttl in seconds for a timeline created here; 0 for none

  Returns  1 when the timeline was created, 0 when it existed
]]
local header = string.rep('\0', 9)
local ttl = tonumber(ARGV[1])
local created
if ttl > 0 then
  created = redis.call('SET', KEYS[1], header, 'NX', 'EX', ttl)
else
  created = redis.call('SET', KEYS[1], header, 'NX')
end
if created then return 1 end
return 0

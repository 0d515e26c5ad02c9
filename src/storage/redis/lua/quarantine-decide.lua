--[[
quarantine-decide: compare-and-set of a quarantined message's status. Only a record still in the expected
status changes, so of two reviewers deciding one message at once exactly one wins, and the record moves
between the status indexes in the same step (a listing never shows it in both or in neither).

KEYS[1]  {quarantine}:rec:<id>             hash written by quarantine-put.lua
KEYS[2]  {quarantine}:idx:status:<from>    index the record leaves
KEYS[3]  {quarantine}:idx:status:<to>      index the record joins
ARGV[1]  expected status (from)
ARGV[2]  new status (to)
ARGV[3]  the decision as JSON (who, when, why)

Returns { outcome, fields }
  outcome   1 decided: the record moved to ARGV[2]
            0 conflict: the record is in another status; nothing changed
           -1 missing: no such record
  fields    the record as HGETALL gives it after the call ({} when missing)
]]
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return { -1, {} }
end
if status ~= ARGV[1] then
  return { 0, redis.call('HGETALL', KEYS[1]) }
end
local member = redis.call('HGET', KEYS[1], 'idx')
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'decision', ARGV[3])
redis.call('ZREM', KEYS[2], member)
redis.call('ZADD', KEYS[3], 0, member)
return { 1, redis.call('HGETALL', KEYS[1]) }

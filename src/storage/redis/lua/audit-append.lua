--[[
audit-append: appends one entry to the audit log and, when it concerns a quarantined message, to that
message's own stream under the same id, so "everything about message X" is one range read, not a scan.
Both streams carry the {audit} hash tag and are written in one script: an entry is in both or in neither.
Nothing in Parley trims or deletes these streams.

KEYS[1]  {audit}:log                 stream of every entry
KEYS[2]  {audit}:q:<quarantineId>    optional: stream of that message's entries
ARGV[1]  the entry as JSON (field "e")

Returns the id Redis gave the entry. The second stream reuses it: ids from KEYS[1] only ever grow, so they
are valid explicit ids for a stream that receives nothing else.
]]
local id = redis.call('XADD', KEYS[1], '*', 'e', ARGV[1])
if KEYS[2] then
  redis.call('XADD', KEYS[2], id, 'e', ARGV[1])
end
return id

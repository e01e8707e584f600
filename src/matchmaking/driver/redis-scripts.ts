/**
 * The Lua scripts of the Redis driver: each change of a listing and its indexes is one
 * atomic round trip. Keys share a prefix `P`:
 *   P:listing            hash   roomId → listing JSON (never read whole on a hot path)
 *   P:name:<name>        zset   roomIds of a room name, by creation time (not for names found by id only)
 *   P:open:<name>        zset   those not locked and not private: what joinOrCreate looks at
 *   P:process:<id>       zset   roomIds of a process, for the cleanup of a dead one
 * Index keys are built from the prefix inside the scripts (a room's old name is only known
 * there), so the driver needs one Redis, not a Redis Cluster. A room written again with no
 * change to where it is indexed is a plain HSET (as with Colyseus's driver).
 */

/** The listing rows of one page of an index: KEYS index, listing; ARGV start, count. */
export const READ_INDEX = `
local ids = redis.call('ZRANGE', KEYS[1], ARGV[1], tonumber(ARGV[1]) + tonumber(ARGV[2]) - 1)
if #ids == 0 then return {} end
return redis.call('HMGET', KEYS[2], unpack(ids))
`;

const UNINDEX = `
local function unindex(p, id, was)
  local name = type(was.name) == 'string' and was.name or ''
  local pid = type(was.processId) == 'string' and was.processId or ''
  redis.call('ZREM', p .. ':name:' .. name, id)
  redis.call('ZREM', p .. ':open:' .. name, id)
  redis.call('ZREM', p .. ':process:' .. pid, id)
end
`;

/**
 * Writes a listing and indexes it. ARGV prefix, mode, roomId, json, name, processId, open (1/0), score, named (1/0).
 * mode insert: only if the room is not listed (0 otherwise); create: in any case, re-indexing a listed room.
 */
export const PUT_LISTING = `${UNINDEX}
local p, mode, id, json = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local name, pid, open, score = ARGV[5], ARGV[6], ARGV[7] == '1', ARGV[8]
local listing = p .. ':listing'
if mode == 'insert' then
  if redis.call('HSETNX', listing, id, json) == 0 then return 0 end
else
  local old = redis.call('HGET', listing, id)
  if old then unindex(p, id, cjson.decode(old)) end
  redis.call('HSET', listing, id, json)
end
if ARGV[9] == '1' then redis.call('ZADD', p .. ':name:' .. name, score, id) end
redis.call('ZADD', p .. ':process:' .. pid, score, id)
if open then redis.call('ZADD', p .. ':open:' .. name, score, id) end
return 1
`;

/**
 * Rewrites a room whose name and process are unchanged and moves it in or out of its
 * name's joinable index. ARGV prefix, roomId, json, name, change ('open' or 'closed'), score.
 */
export const UPDATE_JOINABLE = `
local p, id, json, name, change, score = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
redis.call('HSET', p .. ':listing', id, json)
if change == 'open' then
  redis.call('ZADD', p .. ':open:' .. name, score, id)
else
  redis.call('ZREM', p .. ':open:' .. name, id)
end
return 1
`;

/** Removes a listing and its index entries, wherever it was indexed. ARGV prefix, roomId. */
export const REMOVE_LISTING = `${UNINDEX}
local p, id = ARGV[1], ARGV[2]
local old = redis.call('HGET', p .. ':listing', id)
if not old then return 0 end
redis.call('HDEL', p .. ':listing', id)
unindex(p, id, cjson.decode(old))
return 1
`;

/**
 * Removes up to ARGV count listings of process ARGV pid, reading only that process's index;
 * returns the room ids removed. ARGV prefix, pid, count.
 */
export const REMOVE_PROCESS_LISTINGS = `${UNINDEX}
local p, pid, count = ARGV[1], ARGV[2], tonumber(ARGV[3])
local index = p .. ':process:' .. pid
local ids = redis.call('ZRANGE', index, 0, count - 1)
for _, id in ipairs(ids) do
  local old = redis.call('HGET', p .. ':listing', id)
  if old then
    redis.call('HDEL', p .. ':listing', id)
    unindex(p, id, cjson.decode(old))
  end
  redis.call('ZREM', index, id)
end
return ids
`;

/** Removes a listing indexed as the caller knows. ARGV prefix, roomId, name, processId, open (1/0), named (1/0). */
export const REMOVE_KNOWN_LISTING = `
local p, id, name, pid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('HDEL', p .. ':listing', id) == 0 then return 0 end
if ARGV[6] == '1' then redis.call('ZREM', p .. ':name:' .. name, id) end
redis.call('ZREM', p .. ':process:' .. pid, id)
if ARGV[5] == '1' then redis.call('ZREM', p .. ':open:' .. name, id) end
return 1
`;

/**
 * The listings of these rooms, leaving out any its process's index has lost (a room swept
 * with a process that looked dead, then written again by that process): Colyseus lists
 * those again in full. ARGV prefix, roomIds...
 */
export const READ_INDEXED_LISTINGS = `
local p = ARGV[1]
local found = {}
for i = 2, #ARGV do
  local json = redis.call('HGET', p .. ':listing', ARGV[i])
  if json then
    local pid = cjson.decode(json).processId
    if type(pid) ~= 'string' then pid = '' end
    if redis.call('ZSCORE', p .. ':process:' .. pid, ARGV[i]) then found[#found + 1] = json end
  end
end
return found
`;

import type { Redis } from "ioredis";
import type { ConnectOutcome, OnlineTable } from "./online-table.ts";
import { defineScript, type Script } from "./redis-script.ts";

/**
 * The online table in Redis, every change one Lua script:
 *   `pairline:online:leases`       sorted set: process id → lease end
 *   `pairline:online:held:<pid>`   sorted set: user id → that process's open connections
 *   `pairline:online:connections`  hash: user id → open connections, all processes
 *   `pairline:online:users`        sorted set: online user id → since (count and pages)
 *   `pairline:online:leaving`      sorted set: user id without connections → when offline
 * A sweep reads the leases and graces that ran out (ranges by score, with a limit),
 * never the whole table. Keys are derived inside the scripts (`held:<pid>`), which is
 * fine on one Redis, not on Redis Cluster.
 */
const PREFIX = "pairline:online:";
const USERS_KEY = `${PREFIX}users`;
const TABLE_KEYS = [`${PREFIX}leases`, `${PREFIX}connections`, USERS_KEY, `${PREFIX}leaving`];
const HELD_PREFIX = `${PREFIX}held:`;

/** KEYS: leases, connections, users, leaving. ARGV[1]: the held-key prefix. */
const COMMON = `
local leases, connections, users, leaving = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local heldPrefix = ARGV[1]
local function alive(pid, now)
  local lease = redis.call('ZSCORE', leases, pid)
  return lease and tonumber(lease) > now
end
-- adds connections of a user; true if they came online
local function add(user, count, now)
  local total = redis.call('HINCRBY', connections, user, count)
  local wasLeaving = redis.call('ZREM', leaving, user)
  if total > count or wasLeaving == 1 then return false end
  return redis.call('ZADD', users, 'NX', now, user) == 1
end
-- removes connections of a user; true if none is left (they then leave at offlineAt)
local function remove(user, count, offlineAt)
  if redis.call('HINCRBY', connections, user, -count) > 0 then return false end
  redis.call('HDEL', connections, user)
  if redis.call('ZSCORE', users, user) then redis.call('ZADD', leaving, offlineAt, user) end
  return true
end
`;

/** ARGV: prefix, pid, user, now. */
const CONNECT = `${COMMON}
local pid, user, now = ARGV[2], ARGV[3], tonumber(ARGV[4])
if not alive(pid, now) then return 'lapsed' end
redis.call('ZINCRBY', heldPrefix .. pid, 1, user)
if add(user, 1, now) then return 'online' end
return 'same'
`;

/** ARGV: prefix, pid, user, offlineAt. */
const DISCONNECT = `${COMMON}
local key, user = heldPrefix .. ARGV[2], ARGV[3]
local mine = tonumber(redis.call('ZSCORE', key, user) or '0')
if mine <= 0 then return 0 end
if mine <= 1 then redis.call('ZREM', key, user) else redis.call('ZINCRBY', key, -1, user) end
remove(user, 1, tonumber(ARGV[4]))
return 1
`;

/** ARGV: prefix, pid, now, until. */
const RENEW = `${COMMON}
if not alive(ARGV[2], tonumber(ARGV[3])) then return 0 end
redis.call('ZADD', leases, 'XX', ARGV[4], ARGV[2])
return 1
`;

/** ARGV: prefix, pid, now, until, then user, count pairs. Reads only this process's own connections. */
const RESTORE = `${COMMON}
local pid, now = ARGV[2], tonumber(ARGV[3])
local key = heldPrefix .. pid
local came = {}
for i = 5, #ARGV, 2 do
  if add(ARGV[i], tonumber(ARGV[i + 1]), now) then came[#came + 1] = ARGV[i] end
end
local old = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
for i = 1, #old, 2 do remove(old[i], tonumber(old[i + 1]), now) end
redis.call('DEL', key)
for i = 5, #ARGV, 2 do redis.call('ZADD', key, ARGV[i + 1], ARGV[i]) end
redis.call('ZADD', leases, ARGV[4], pid)
return came
`;

/** ARGV: prefix, now, limit. Returns { more (0/1), offline users }. */
const EXPIRE = `${COMMON}
local now, budget = tonumber(ARGV[2]), tonumber(ARGV[3])
local offline = {}
local due = redis.call('ZRANGEBYSCORE', leaving, '-inf', now, 'LIMIT', 0, budget)
for _, user in ipairs(due) do
  redis.call('ZREM', leaving, user)
  if redis.call('HEXISTS', connections, user) == 0 and redis.call('ZREM', users, user) == 1 then
    offline[#offline + 1] = user
  end
end
budget = budget - #due
while budget > 0 do
  local dead = redis.call('ZRANGEBYSCORE', leases, '-inf', now, 'LIMIT', 0, 1)[1]
  if not dead then break end
  local key = heldPrefix .. dead
  local popped = redis.call('ZPOPMIN', key, budget)
  for i = 1, #popped, 2 do
    local user = popped[i]
    if remove(user, tonumber(popped[i + 1]), now) then
      redis.call('ZREM', leaving, user)
      if redis.call('ZREM', users, user) == 1 then offline[#offline + 1] = user end
    end
  end
  budget = budget - #popped / 2
  if redis.call('EXISTS', key) == 0 then redis.call('ZREM', leases, dead) end
end
return { budget == 0 and 1 or 0, offline }
`;

export class RedisOnlineTable implements OnlineTable {
  readonly #redis: Redis;
  readonly #connect: Script<ConnectOutcome>;
  readonly #disconnect: Script<number>;
  readonly #renew: Script<number>;
  readonly #restore: Script<string[]>;
  readonly #expire: Script<[number, string[]]>;

  constructor(redis: Redis) {
    this.#redis = redis;
    this.#connect = defineScript(redis, "pairlineOnlineConnect", TABLE_KEYS.length, CONNECT);
    this.#disconnect = defineScript(redis, "pairlineOnlineDisconnect", TABLE_KEYS.length, DISCONNECT);
    this.#renew = defineScript(redis, "pairlineOnlineRenew", TABLE_KEYS.length, RENEW);
    this.#restore = defineScript(redis, "pairlineOnlineRestore", TABLE_KEYS.length, RESTORE);
    this.#expire = defineScript(redis, "pairlineOnlineExpire", TABLE_KEYS.length, EXPIRE);
  }

  connect(processId: string, userId: string, now: number): Promise<ConnectOutcome> {
    return this.#connect(...TABLE_KEYS, HELD_PREFIX, processId, userId, now);
  }

  async disconnect(processId: string, userId: string, offlineAt: number): Promise<void> {
    await this.#disconnect(...TABLE_KEYS, HELD_PREFIX, processId, userId, offlineAt);
  }

  async renew(processId: string, now: number, until: number): Promise<boolean> {
    return (await this.#renew(...TABLE_KEYS, HELD_PREFIX, processId, now, until)) === 1;
  }

  restore(processId: string, connections: ReadonlyMap<string, number>, now: number, until: number): Promise<string[]> {
    const pairs = [...connections].flatMap(([userId, count]) => [userId, count]);
    return this.#restore(...TABLE_KEYS, HELD_PREFIX, processId, now, until, ...pairs);
  }

  async expire(now: number, limit: number): Promise<{ offline: string[]; more: boolean }> {
    const [more, offline] = await this.#expire(...TABLE_KEYS, HELD_PREFIX, now, limit);
    return { offline, more: more === 1 };
  }

  count(): Promise<number> {
    return this.#redis.zcard(USERS_KEY);
  }

  async page(offset: number, limit: number): Promise<{ ids: string[]; total: number }> {
    const replies = await this.#redis.multi().zrange(USERS_KEY, offset, offset + limit - 1).zcard(USERS_KEY).exec();
    const [[rangeError, ids], [countError, total]] = replies as [[Error | null, string[]], [Error | null, number]];
    if (rangeError ?? countError) throw rangeError ?? countError;
    return { ids, total };
  }
}

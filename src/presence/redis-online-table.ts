import type { Redis } from "ioredis";
import type { ConnectOutcome, OnlineTable } from "./online-table.ts";
import { defineScript, type Script } from "./redis-script.ts";

/**
 * The online table in Redis, every change one Lua script that declares its keys (one
 * hash tag, so the table lives in one Cluster slot):
 *   `pairline:{online}:leases`       sorted set: process id → lease end
 *   `pairline:{online}:held:<pid>`   sorted set: the users that process holds a connection of
 *   `pairline:{online}:users`        sorted set: online user id → since (count and pages)
 *   `pairline:{online}:leaving`      sorted set: user id without connections → when offline
 *   `pairline:{online}:others`       hash: user id → processes holding a connection of theirs
 *                                    beyond the first (absent: one, or none while leaving)
 * A user held by one process, the usual case, costs no hash field: one in `users` and not
 * `leaving` is held by 1 + `others` processes.
 * A process tells the table only of a user's first connection in it and of their last
 * (`OnlineUsers` counts the rest), and its changes of one event-loop turn go in one
 * script call. A sweep reads the leases and graces that ran out (ranges by score, with
 * a limit), and a dead process's users in pages, never the whole table.
 */
const PREFIX = "pairline:{online}:";
const USERS_KEY = `${PREFIX}users`;
const TABLE_KEYS = [`${PREFIX}leases`, `${PREFIX}others`, USERS_KEY, `${PREFIX}leaving`];
const heldKey = (processId: string) => `${PREFIX}held:${processId}`;
/** Changes sent in one script call at most, so that one call never holds Redis long. */
const MAX_BATCH = 500;

/** KEYS: leases, others, users, leaving, then the held key(s) of the script. */
const COMMON = `
local leases, others, users, leaving = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local function alive(pid, now)
  local lease = redis.call('ZSCORE', leases, pid)
  return lease and tonumber(lease) > now
end
-- one more process holds the user; true if they came online
local function add(user, now)
  if redis.call('ZADD', users, 'NX', now, user) == 1 then return true end
  if redis.call('ZREM', leaving, user) == 0 then redis.call('HINCRBY', others, user, 1) end
  return false
end
-- one process fewer holds the user; true if none is left (they then leave at offlineAt)
local function remove(user, offlineAt)
  local more = redis.call('HGET', others, user)
  if more == '1' then redis.call('HDEL', others, user) return false end
  if more then redis.call('HINCRBY', others, user, -1) return false end
  redis.call('ZADD', leaving, offlineAt, user)
  return true
end
`;

/**
 * One process's connects and disconnects, in order. KEYS[5]: its held key.
 * ARGV: pid, until when its lease is sure (not read before then), then triples of op
 * ('c', 'd' or 'n'), user, time (now for 'c', offlineAt for 'd').
 * Returns one outcome per op ('' for a disconnect; for 'n', the users online once all ops are done).
 */
const CHANGES = `${COMMON}
local held, pid, sure = KEYS[5], ARGV[1], tonumber(ARGV[2])
local live
local out, counts = {}, {}
for i = 3, #ARGV, 3 do
  local op, user, at = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  if op == 'c' then
    if live == nil then live = sure > at or alive(pid, at) or false end
    if not live then out[#out + 1] = 'lapsed'
    elseif redis.call('ZADD', held, 'NX', 1, user) == 1 and add(user, at) then out[#out + 1] = 'online'
    else out[#out + 1] = 'same' end
  elseif op == 'd' then
    if redis.call('ZREM', held, user) == 1 then remove(user, at) end
    out[#out + 1] = ''
  else
    counts[#counts + 1] = #out + 1
    out[#out + 1] = 0
  end
end
if #counts > 0 then
  local online = redis.call('ZCARD', users)
  for _, i in ipairs(counts) do out[i] = online end
end
return out
`;

/** KEYS: leases. ARGV: pid, now, until. */
const RENEW = `
local lease = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not lease or tonumber(lease) <= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], 'XX', ARGV[3], ARGV[1])
return 1
`;

/**
 * KEYS[5]: the process's held key, KEYS[6]: a fresh key its old connections move to.
 * ARGV: pid, now, until, the old connections' id, then the users it holds. The old
 * connections are not read here: under a lapsed lease, the sweep takes them back in pages.
 */
const RESTORE = `${COMMON}
local held, old = KEYS[5], KEYS[6]
local pid, now = ARGV[1], tonumber(ARGV[2])
if redis.call('EXISTS', held) == 1 then
  redis.call('RENAME', held, old)
  redis.call('ZADD', leases, 0, ARGV[4])
end
local came = {}
for i = 5, #ARGV do
  redis.call('ZADD', held, 1, ARGV[i])
  if add(ARGV[i], now) then came[#came + 1] = ARGV[i] end
end
redis.call('ZADD', leases, ARGV[3], pid)
return came
`;

/** ARGV: now, limit. Returns { budget left, offline users, a process whose lease ran out (or false) }. */
const EXPIRE = `${COMMON}
local now, budget = tonumber(ARGV[1]), tonumber(ARGV[2])
local offline = {}
local due = redis.call('ZRANGEBYSCORE', leaving, '-inf', now, 'LIMIT', 0, budget)
for _, user in ipairs(due) do
  redis.call('ZREM', leaving, user)
  if redis.call('ZREM', users, user) == 1 then
    offline[#offline + 1] = user
  end
end
budget = budget - #due
local dead = false
if budget > 0 then dead = redis.call('ZRANGEBYSCORE', leases, '-inf', now, 'LIMIT', 0, 1)[1] or false end
return { budget, offline, dead }
`;

/**
 * Takes back a page of a dead process's connections, and its lease with the last page.
 * KEYS[5]: its held key. ARGV: pid, now, limit. Returns { 1 if it did (0: the process is alive), offline users }.
 */
const EXPIRE_DEAD = `${COMMON}
local held, pid, now = KEYS[5], ARGV[1], tonumber(ARGV[2])
if alive(pid, now) then return { 0, {} } end
local offline = {}
local popped = redis.call('ZPOPMIN', held, tonumber(ARGV[3]))
for i = 1, #popped, 2 do
  local user = popped[i]
  if remove(user, now) then
    redis.call('ZREM', leaving, user)
    if redis.call('ZREM', users, user) == 1 then offline[#offline + 1] = user end
  end
end
if redis.call('EXISTS', held) == 0 then redis.call('ZREM', leases, pid) end
return { 1, offline }
`;

type Change = { op: "c" | "d" | "n"; userId: string; at: number; done: (outcome: string | number) => void; failed: (error: unknown) => void };

export class RedisOnlineTable implements OnlineTable {
  readonly #redis: Redis;
  readonly #changes: Script<Array<string | number>>;
  readonly #renew: Script<number>;
  readonly #restore: Script<string[]>;
  readonly #expire: Script<[number, string[], string | false]>;
  readonly #expireDead: Script<[number, string[]]>;
  /** Changes of this turn, per process id, sent together when the turn ends. */
  readonly #pending = new Map<string, Change[]>();
  /** Per process id, until when its caller is sure of its lease (the latest it said). */
  readonly #sure = new Map<string, number>();

  constructor(redis: Redis) {
    this.#redis = redis;
    this.#changes = defineScript(redis, "pairlineOnlineChanges", TABLE_KEYS.length + 1, CHANGES);
    this.#renew = defineScript(redis, "pairlineOnlineRenew", 1, RENEW);
    this.#restore = defineScript(redis, "pairlineOnlineRestore", TABLE_KEYS.length + 2, RESTORE);
    this.#expire = defineScript(redis, "pairlineOnlineExpire", TABLE_KEYS.length, EXPIRE);
    this.#expireDead = defineScript(redis, "pairlineOnlineExpireDead", TABLE_KEYS.length + 1, EXPIRE_DEAD);
  }

  connect(processId: string, userId: string, now: number, leaseSureUntil = 0): Promise<ConnectOutcome> {
    this.#sure.set(processId, leaseSureUntil);
    return this.#queue(processId, "c", userId, now) as Promise<ConnectOutcome>;
  }

  async disconnect(processId: string, userId: string, offlineAt: number): Promise<void> {
    await this.#queue(processId, "d", userId, offlineAt);
  }

  async renew(processId: string, now: number, until: number): Promise<boolean> {
    return (await this.#renew(TABLE_KEYS[0]!, processId, now, until)) === 1;
  }

  restore(processId: string, connections: ReadonlyMap<string, number>, now: number, until: number): Promise<string[]> {
    const oldId = `${processId}~${now}`;
    return this.#restore(...TABLE_KEYS, heldKey(processId), heldKey(oldId), processId, now, until, oldId, ...connections.keys());
  }

  async expire(now: number, limit: number): Promise<{ offline: string[]; more: boolean }> {
    const [budget, offline, dead] = await this.#expire(...TABLE_KEYS, now, limit);
    if (!dead) return { offline, more: budget === 0 };
    const [tookBack, gone] = await this.#expireDead(...TABLE_KEYS, heldKey(dead), dead, now, budget);
    return { offline: [...offline, ...gone], more: tookBack === 1 };
  }

  /** Read after the changes of this turn when some are waiting to be sent, in the same script call. */
  count(): Promise<number> {
    const pending = this.#pending.keys().next();
    if (pending.done) return this.#redis.zcard(USERS_KEY);
    return this.#queue(pending.value, "n", "", 0) as Promise<unknown> as Promise<number>;
  }

  async page(offset: number, limit: number): Promise<{ ids: string[]; total: number }> {
    const replies = await this.#redis.multi().zrange(USERS_KEY, offset, offset + limit - 1).zcard(USERS_KEY).exec();
    const [[rangeError, ids], [countError, total]] = replies as [[Error | null, string[]], [Error | null, number]];
    if (rangeError ?? countError) throw rangeError ?? countError;
    return { ids, total };
  }

  #queue(processId: string, op: Change["op"], userId: string, at: number): Promise<string | number> {
    return new Promise((done, failed) => {
      let changes = this.#pending.get(processId);
      if (!changes) {
        this.#pending.set(processId, (changes = []));
        setImmediate(() => this.#flush(processId));
      }
      changes.push({ op, userId, at, done, failed });
    });
  }

  #flush(processId: string): void {
    const changes = this.#pending.get(processId)!;
    this.#pending.delete(processId);
    for (let start = 0; start < changes.length; start += MAX_BATCH) {
      const batch = changes.slice(start, start + MAX_BATCH);
      this.#changes(...TABLE_KEYS, heldKey(processId), processId, this.#sure.get(processId) ?? 0, ...batch.flatMap((c) => [c.op, c.userId, c.at])).then(
        (outcomes) => batch.forEach((change, i) => change.done(outcomes[i]!)),
        (error: unknown) => batch.forEach((change) => change.failed(error)),
      );
    }
  }
}

import type { Redis } from "ioredis";
import type { Logger } from "../logger/index.ts";
import { IdleMap, type MessageBudget } from "./message-budget.ts";
import { defineScript, type Script } from "./redis-script.ts";
import { TokenBucket } from "./token-bucket.ts";
import { TIMED_OUT, within } from "../timeouts/index.ts";

const bucketKey = (userId: string) => `pairline:message-budget:${userId}`;

/**
 * One token bucket per user in Redis (`pairline:message-budget:<user>`, one string
 * "<tokens>:<when counted>", which expires once the bucket is full again): a read and a
 * write. Times come from the callers' clocks, as the online table's leases do; clocks a
 * few ms apart move a refill by as little. Takes up to ARGV[3] tokens and returns how
 * many it took; a negative count gives tokens back.
 * KEYS: bucket. ARGV: capacity, tokens per ms, count, now.
 */
const TAKE = `
local capacity, rate, want, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local tokens, at = capacity, now
local stored = redis.call('GET', KEYS[1])
if stored then
  local split = string.find(stored, ':', 1, true)
  tokens, at = tonumber(string.sub(stored, 1, split - 1)), tonumber(string.sub(stored, split + 1))
end
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local taken = want
if want > 0 then taken = math.min(want, math.floor(tokens)) end
tokens = math.min(capacity, tokens - taken)
redis.call('SET', KEYS[1], tokens .. ':' .. now, 'PX', math.ceil((capacity - tokens) / rate) + 1000)
return taken
`;

/** How long a message may wait for Redis before this process decides alone, and for how long it then does. */
const REDIS_WAIT_MS = 2000;
const ALONE_MS = 5000;

interface Allowance {
  usedAt: number;
  /** Tokens this process took from the user's bucket (or lent) and has not spent yet. */
  tokens: number;
  /** Tokens spent on loan, taken from the bucket with the next take. */
  owed: number;
  /** Messages waiting for an answer from Redis. */
  waiting: number;
  /** The bucket is empty: do not ask again before this. */
  dryUntil: number;
  pending: Promise<void> | undefined;
  /** Until when this process decides alone, with `local` (Redis did not answer). */
  aloneUntil: number;
  /** The messages the user sent through this process, as a bucket of the same budget. */
  local: TokenBucket;
}

/**
 * The user's budget shared through Redis, without a round trip per message: each
 * process takes a few tokens at a time from the user's bucket (`chunk`, asking for
 * more before they run out) and spends them locally. A user's first message in a
 * process (or after a minute or two of silence there) is lent, not asked for: the
 * next take repays it, so a user who sends one message (a lobby's `user:match`)
 * costs Redis nothing, and the limit holds across connections and processes up to
 * one message lent per process and not yet repaid (owed until the bucket has it).
 * Tokens left unspent in a process the user left are lost to them until the bucket
 * refills (at most `chunk - 1` per process). A refused user costs Redis at most one request
 * per token's refill time. If Redis does not answer within `REDIS_WAIT_MS`, the
 * process decides alone for a while rather than hold messages, with the bucket it
 * keeps of the messages the user sent through it: an outage (a Sentinel failover
 * takes seconds) refuses nobody within the budget, and holds a user to the budget
 * in each process they are connected to.
 */
export class RedisMessageBudget implements MessageBudget {
  readonly #take: Script<number>;
  readonly #logger: Logger;
  readonly #perMinute: number;
  readonly #chunk: number;
  readonly #msPerToken: number;
  readonly #allowances = new IdleMap<Allowance>();

  constructor(redis: Redis, logger: Logger, perMinute: number) {
    this.#take = defineScript(redis, "pairlineBudgetTake", 1, TAKE);
    this.#logger = logger;
    this.#perMinute = perMinute;
    this.#chunk = Math.max(1, Math.min(10, Math.floor(perMinute / 10)));
    this.#msPerToken = 60_000 / perMinute;
  }

  take(userId: string): boolean | Promise<boolean> {
    const now = Date.now();
    const allowance = this.#allowances.use(userId, now, () => ({ usedAt: now, tokens: 1, owed: 1, waiting: 0, dryUntil: 0, pending: undefined, aloneUntil: 0, local: new TokenBucket(this.#perMinute, now) }));
    if (now < allowance.aloneUntil) return allowance.local.take(now);
    if (allowance.tokens >= 1) {
      this.#spend(allowance, now);
      // Asking ahead starts once the loan is repaid: one message alone asks nothing.
      if (allowance.tokens < this.#chunk / 2 && allowance.owed === 0) this.#refill(userId, allowance, now);
      return true;
    }
    if (!allowance.pending && now < allowance.dryUntil) return false;
    allowance.waiting += 1;
    return this.#waitForTokens(userId, allowance).finally(() => void (allowance.waiting -= 1));
  }

  /** Waits for the answer being asked (or asks), in arrival order; asks again while Redis gives all it was asked for. */
  #waitForTokens(userId: string, allowance: Allowance): Promise<boolean> {
    this.#refill(userId, allowance, Date.now());
    return allowance.pending!.then(() => {
      const now = Date.now();
      if (now < allowance.aloneUntil) return allowance.local.take(now);
      if (allowance.tokens >= 1) {
        this.#spend(allowance, now);
        return true;
      }
      return now < allowance.dryUntil ? false : this.#waitForTokens(userId, allowance);
    });
  }

  /** Spends a token the shared bucket gave; the process's own bucket counts the message too. */
  #spend(allowance: Allowance, now: number): void {
    allowance.tokens -= 1;
    allowance.local.take(now);
  }

  /** Tokens the bucket gave for a take that asked to repay `owed`: the loan first, the rest to spend. */
  #credit(allowance: Allowance, owed: number, taken: number): void {
    const repaid = Math.min(owed, taken);
    allowance.owed -= repaid;
    allowance.tokens += taken - repaid;
  }

  #refill(userId: string, allowance: Allowance, now: number): void {
    if (allowance.pending || now < allowance.dryUntil) return;
    // A burst asks for what its waiting messages need at once, not a chunk per round trip.
    const wanted = Math.min(this.#perMinute, Math.max(this.#chunk, allowance.waiting));
    const owed = allowance.owed;
    const asked = this.#take(bucketKey(userId), this.#perMinute, 1 / this.#msPerToken, wanted + owed, Date.now()).catch((error: unknown) => {
      this.#logger.warn("Could not read a message budget from Redis", { error: String(error) });
      return null;
    });
    allowance.pending = within(asked, REDIS_WAIT_MS).then((taken) => {
      allowance.pending = undefined;
      if (taken === null || taken === TIMED_OUT) {
        asked.then((answer) => void this.#credit(allowance, owed, answer ?? 0));
        allowance.aloneUntil = Date.now() + ALONE_MS;
        return;
      }
      this.#credit(allowance, owed, taken);
      if (taken < wanted + owed) allowance.dryUntil = Date.now() + this.#msPerToken;
    });
  }
}

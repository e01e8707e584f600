import assert from "node:assert/strict";
import { RedisPresence } from "@colyseus/redis-presence";
import { MatchCounter } from "../../src/matchmaking/match-stats.ts";
import { redisCostOf, totalCommands } from "../helpers/redis-cost.ts";
import { privateRedis } from "../helpers/redis.ts";

describe("matches in the last hour, counted by several processes on Redis", function () {
  const redis = privateRedis(this.ctx);
  const opened: RedisPresence[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((p) => p.shutdown()));
  });
  const processCounter = () => {
    const presence = new RedisPresence(redis.server.url);
    opened.push(presence);
    return new MatchCounter(presence);
  };

  it("a process's matches count in its own reads at once and in every process's once sent, one command per minute for a burst", async () => {
    const [first, second] = [processCounter(), processCounter()];
    assert.equal(await second.inLastHour(), 0);
    for (let i = 0; i < 30; i++) first.record();
    assert.equal(await first.inLastHour(), 30, "its own, before they are sent");
    const cost = await redisCostOf(redis.client, () => first.flush());
    // one HINCRBY and its expiry (two of each if the burst straddled a minute)
    assert.ok(cost.commands.hincrby! <= 2 && totalCommands(cost) <= 2 * cost.commands.hincrby!, JSON.stringify(cost.commands));
    assert.equal(await second.inLastHour(), 30, "the other process's, once sent");
    second.record();
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(await first.inLastHour(), 31, "sent on its own within the flush delay");
  });
});

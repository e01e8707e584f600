import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { LocalPresence, type Presence } from "@colyseus/core";
import { RedisPresence } from "@colyseus/redis-presence";
import { LiveChats } from "../../src/matchmaking/live-chats.ts";
import { requireRedisServer, startRedis, type TestRedis } from "../helpers/redis.ts";

/** A process's chat rooms as Colyseus's room handler reports them. */
function chatHost(presence: Presence, processId: string) {
  const handler = new EventEmitter();
  const chats = new LiveChats(presence, () => processId);
  chats.watch(handler);
  const open = (people: number) => {
    const room = { clients: { length: people } };
    handler.emit("create", room);
    return room;
  };
  const close = (room: object) => handler.emit("dispose", room);
  return { chats, open, close };
}

function liveChatsContract(openPresence: () => Promise<Presence>): void {
  let presence: Presence;
  beforeEach(async () => {
    presence = await openPresence();
  });

  it("counts every process's chats and people, and takes back a dead process's part once, however many forget it", async () => {
    const a = chatHost(presence, "a");
    const b = chatHost(presence, "b");
    a.open(2);
    const leaving = a.open(2);
    b.open(1);
    await Promise.all([a.chats.flush(), b.chats.flush()]);
    assert.deepEqual(await a.chats.count(), { rooms: 3, people: 5 });
    a.close(leaving);
    await a.chats.flush();
    assert.deepEqual(await b.chats.count(), { rooms: 2, people: 3 });
    await Promise.all([a.chats.forget("b"), a.chats.forget("b"), a.chats.keepOnly(["a"])]);
    assert.deepEqual(await a.chats.count(), { rooms: 1, people: 2 }, "b's part taken back once");
  });

  it("a process forgotten while cut off adds its whole part again when it writes next; a closed one takes it out", async () => {
    const a = chatHost(presence, "a");
    a.open(2);
    await a.chats.flush();
    await chatHost(presence, "other").chats.forget("a");
    assert.deepEqual(await a.chats.count(), { rooms: 0, people: 0 });
    a.open(2);
    await a.chats.flush();
    assert.deepEqual(await a.chats.count(), { rooms: 2, people: 4 });
    await a.chats.close();
    assert.deepEqual(await a.chats.count(), { rooms: 0, people: 0 });
  });
}

describe("live chat counts: local presence", () => {
  liveChatsContract(async () => new LocalPresence());
});

describe("live chat counts: Redis presence", function () {
  requireRedisServer(this.ctx);
  let redis: TestRedis;
  const opened: RedisPresence[] = [];
  before(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((p) => p.shutdown()));
  });
  after(() => redis.stop());
  liveChatsContract(async () => {
    const client = redis.client();
    await client.flushall();
    client.disconnect();
    const presence = new RedisPresence(redis.url);
    opened.push(presence);
    return presence;
  });
});

import assert from "node:assert/strict";
import { generateId, initializeRoomCache, type IRoomCache } from "@colyseus/core";
import type { Redis } from "ioredis";
import { DEFAULT_ROOMS_PREFIX, NameIndexedRedisDriver } from "../../src/matchmaking/driver/redis-driver.ts";
import { assertNoWholeCollectionRead, redisCostOf } from "../helpers/redis-cost.ts";
import { privateRedis, requireRedisServer, startRedis, type TestRedis } from "../helpers/redis.ts";

const joinableLobby = { name: "lobby", locked: false, private: false };

/** Private, full chat rooms as the lobby opens them, on process `processId`. */
async function listChats(driver: NameIndexedRedisDriver, count: number, processId = "chat-host"): Promise<void> {
  for (let done = 0; done < count; done += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - done) }, () =>
      driver.persist(initializeRoomCache({ roomId: generateId(), name: "chat", processId, clients: 2, maxClients: 2, locked: true, private: true, metadata: {} }), true),
    );
    await Promise.all(batch);
  }
}

describe("Redis match-maker driver: what a lookup costs", function () {
  requireRedisServer(this.ctx);
  this.timeout(120_000);
  let redis: TestRedis;
  let client: Redis;
  let probe: Redis;
  let driver: NameIndexedRedisDriver;
  before(async () => {
    redis = await startRedis();
    client = redis.client();
    probe = redis.client();
  });
  beforeEach(async () => {
    driver = new NameIndexedRedisDriver(client);
    await driver.clear();
  });
  after(async () => {
    await driver?.shutdown();
    probe?.disconnect();
    await redis?.stop();
  });

  it("finds a joinable lobby with the same commands and bytes whether 10 or 10,000 chat rooms are listed", async () => {
    const lobby = initializeRoomCache({ roomId: generateId(), name: "lobby", processId: "p1", clients: 12, maxClients: 1000 });
    await driver.persist(lobby, true);
    await listChats(driver, 10);
    await driver.findOne(joinableLobby); // loads the script on the connection
    const withTen = await redisCostOf(probe, async () => assert.equal((await driver.findOne(joinableLobby)).roomId, lobby.roomId));
    await listChats(driver, 9_990);
    const withTenThousand = await redisCostOf(probe, async () => assert.equal((await driver.findOne(joinableLobby)).roomId, lobby.roomId));

    assert.deepEqual(withTenThousand.commands, withTen.commands);
    assert.deepEqual(withTen.commands, { evalsha: 1, zrange: 1, hmget: 1 });
    // the INFO replies that measure it vary by a few hundred bytes; 10,000 listings would be ~2.5 MB
    assert.ok(Math.abs(withTenThousand.outputBytes - withTen.outputBytes) < 4096, `${withTen.outputBytes} → ${withTenThousand.outputBytes} bytes`);
    assertNoWholeCollectionRead(withTenThousand);
  });

  it("finds a chat room by its id without reading any other room", async () => {
    await listChats(driver, 10_000);
    const chat = initializeRoomCache({ roomId: generateId(), name: "chat", processId: "p1", private: true });
    await driver.persist(chat, true);
    const cost = await redisCostOf(probe, async () => assert.equal((await driver.findOne({ roomId: chat.roomId })).roomId, chat.roomId));
    assert.deepEqual(cost.commands, { hget: 1 });
    assert.ok(cost.outputBytes < 8192, `${cost.outputBytes} bytes (INFO replies included), not the 10,000 listings`);
  });

  it("cleans up a dead process by reading its rooms only", async () => {
    const deadRooms = async () => {
      for (let i = 0; i < 5; i++) await driver.persist(initializeRoomCache({ roomId: generateId(), name: "chat", processId: "dead", private: true }), true);
    };
    await listChats(driver, 10, "alive");
    await deadRooms();
    await driver.cleanup("dead"); // loads the script
    await deadRooms();
    const amongTen = await redisCostOf(probe, () => driver.cleanup("dead"));
    await listChats(driver, 9_990, "alive");
    await deadRooms();
    const amongTenThousand = await redisCostOf(probe, () => driver.cleanup("dead"));

    assert.deepEqual(amongTenThousand.commands, amongTen.commands);
    assertNoWholeCollectionRead(amongTenThousand);
    assert.equal((await driver.query({ processId: "alive" })).length, 10_000);
    assert.deepEqual(await driver.query({ processId: "dead" }), []);
  });

  it("writes the clients joining and leaving within a second as one HSET, and a change of joinability at once", async () => {
    const room = initializeRoomCache({ roomId: generateId(), name: "lobby", processId: "p1", maxClients: 3 });
    await driver.persist(room, true);
    const listed = async () => JSON.parse((await probe.hget(`${DEFAULT_ROOMS_PREFIX}:listing`, room.roomId))!) as IRoomCache;
    const burst = await redisCostOf(probe, async () => {
      await driver.update(room, { $inc: { clients: 1 }, $set: { locked: false } });
      await driver.update(room, { $inc: { clients: 1 }, $set: { locked: false } });
      await driver.update(room, { $inc: { clients: -1 }, $set: { locked: false } });
      await new Promise((resolve) => setTimeout(resolve, 1500));
    });
    assert.deepEqual(burst.commands, { hset: 1 });
    assert.equal((await listed()).clients, 1);
    const locking = await redisCostOf(probe, () => driver.update(room, { $inc: { clients: 2 }, $set: { locked: true } }));
    assert.deepEqual([locking.commands.hset, locking.commands.zrem], [1, 1], "written at once, and out of the joinable index");
    assert.equal(await driver.findOne(joinableLobby), undefined, "a full room is not offered a moment later");
    assert.equal((await listed()).clients, 3);
  });

  it("removes a disposed room in one round trip, and answers Colyseus's second removal without Redis", async () => {
    const chat = () => initializeRoomCache({ roomId: generateId(), name: "chat", processId: "p1", maxClients: 2, private: true });
    const [warmUp, room] = [chat(), chat()];
    await driver.persist(warmUp, true);
    await driver.persist(room, true);
    await driver.remove(warmUp.roomId); // loads the script
    const first = await redisCostOf(probe, async () => assert.equal(await driver.remove(room.roomId), true));
    const second = await redisCostOf(probe, async () => assert.equal(await driver.remove(room.roomId), false));
    assert.deepEqual(first.commands, { evalsha: 1, hdel: 1, zrem: 2 });
    assert.deepEqual(second.commands, {});
    assert.deepEqual(await driver.query({ processId: "p1" }), []);
  });

  it("opens and closes a room of a name found by id only with no name index, and still finds it by id, process and name", async () => {
    const byId = new NameIndexedRedisDriver(redis.client(), { foundById: ["chat"] });
    try {
      const chat = () => initializeRoomCache({ roomId: generateId(), name: "chat", processId: "p1", maxClients: 2, private: true });
      const [warmUp, room] = [chat(), chat()];
      await byId.insert(warmUp);
      await byId.remove(warmUp.roomId); // loads the scripts
      const opened = await redisCostOf(probe, () => byId.insert(room)); // as Colyseus lists a room it creates
      assert.deepEqual(opened.commands, { evalsha: 1, hsetnx: 1, zadd: 1 }, "the listing and its process's index");
      assert.equal((await byId.findOne({ roomId: room.roomId }))?.roomId, room.roomId);
      assert.deepEqual((await byId.query({ processId: "p1" })).map((r) => r.roomId), [room.roomId]);
      assert.deepEqual((await byId.query({ name: "chat" })).map((r) => r.roomId), [room.roomId]);
      const closed = await redisCostOf(probe, async () => assert.equal(await byId.remove(room.roomId), true));
      assert.deepEqual(closed.commands, { evalsha: 1, hdel: 1, zrem: 1 });
      assert.deepEqual(await byId.query({ name: "chat" }), []);
    } finally {
      await byId.shutdown();
    }
  });

  it("lets Colyseus list again, in full, a live room that another process swept", async () => {
    const owner = new NameIndexedRedisDriver(redis.client());
    try {
      const room = initializeRoomCache({ roomId: generateId(), name: "lobby", processId: "stalled", maxClients: 10 });
      await owner.persist(room, true);
      await driver.cleanup("stalled");
      await owner.update(room, { $inc: { clients: 1 } }); // the stalled process goes on
      assert.equal(await driver.findOne(joinableLobby), undefined, "not offered before it is listed again");
      assert.deepEqual(await driver.query({ processId: "stalled" }), []);
      assert.equal((await owner.findByIds([room.roomId])).size, 0, "Colyseus's restore sees it missing");
      await owner.persist(room, true); // what Colyseus's restoreMissingRoomCaches does
      assert.equal((await driver.findOne(joinableLobby)).roomId, room.roomId);
      assert.equal((await owner.findByIds([room.roomId])).get(room.roomId)?.clients, 1);
      await owner.update(room, { $set: { locked: true } });
      assert.equal(await driver.findOne(joinableLobby), undefined);
      await owner.remove(room.roomId);
      assert.equal(await driver.has(room.roomId), false);
    } finally {
      await owner.shutdown();
    }
  });

  it("keeps the joinable index right when a room is locked and unlocked at once", async () => {
    const room: IRoomCache = initializeRoomCache({ roomId: generateId(), name: "lobby", processId: "p1", maxClients: 2 });
    await driver.persist(room, true);
    await Promise.all([driver.update(room, { $set: { locked: true } }), driver.update(room, { $set: { locked: false } })]);
    assert.equal((await driver.findOne(joinableLobby))?.roomId, room.roomId);
    await Promise.all([driver.update(room, { $set: { locked: false } }), driver.update(room, { $set: { locked: true } })]);
    assert.equal(await driver.findOne(joinableLobby), undefined);
  });
});

describe("Redis match-maker driver: a process that stops reporting", function () {
  this.timeout(30_000);
  const redis = privateRedis(this.ctx);

  it("gets no join nor new room until it reports again (a host cut off still looks subscribed to Redis)", async () => {
    const reportEveryMs = 100;
    const driver = new NameIndexedRedisDriver(redis.server.client(), { reportEveryMs });
    const heard = `${DEFAULT_ROOMS_PREFIX}:heard`;
    const lobbyOn = (processId: string, createdAt: Date) => initializeRoomCache({ roomId: generateId(), name: "lobby", processId, maxClients: 1000, createdAt });
    const reportsLater = () => new Promise((resolve) => setTimeout(resolve, 3 * reportEveryMs));
    try {
      await driver.clear();
      const cutLobby = lobbyOn("cut", new Date(Date.now() - 60_000)); // the oldest: the one a join is given
      const otherLobby = lobbyOn("other", new Date());
      await driver.persist(cutLobby, true);
      await driver.persist(otherLobby, true);
      await redis.client.hset("roomcount", "cut", "0,0", "other", "5,0");
      await redis.client.zadd(`${DEFAULT_ROOMS_PREFIX}:load`, 0, "cut", 5, "other");
      await redis.client.zadd(heard, Date.now() - 10 * reportEveryMs, "cut", Date.now() + 60_000, "other");
      await driver.boot();
      await reportsLater();

      assert.equal((await driver.findOne(joinableLobby))?.roomId, otherLobby.roomId, "a join goes to the lobby of the process that reports");
      assert.equal(await driver.selectProcessIdToCreateRoom(), "other", "a new room goes to the process that reports, though it has more rooms");
      assert.equal((await driver.query({ name: "lobby" })).length, 2, "the lapsed process's lobby stays listed");

      await redis.client.zadd(heard, Date.now() + 60_000, "cut"); // it reports again
      await reportsLater();
      assert.equal((await driver.findOne(joinableLobby))?.roomId, cutLobby.roomId);
      assert.equal(await driver.selectProcessIdToCreateRoom(), "cut");
    } finally {
      await redis.client.del("roomcount");
      await driver.shutdown();
    }
  });
});

import assert from "node:assert/strict";
import { generateId, initializeRoomCache, type IRoomCache, type MatchMakerDriver } from "@colyseus/core";

/** What Colyseus asks for when a client calls `joinOrCreate(name)`. */
const joinable = (name: string) => ({ name, locked: false, private: false });

/**
 * What Colyseus and Pairline rely on from a match-maker driver, whatever keeps the
 * listings. `open` gives a driver with no listings (a fresh one per test, or cleared).
 */
export function matchMakerDriverContract(open: () => Promise<MatchMakerDriver>): void {
  let driver: MatchMakerDriver;
  beforeEach(async () => {
    driver = await open();
  });

  async function list(fields: Partial<IRoomCache>): Promise<IRoomCache> {
    const room = initializeRoomCache({ roomId: generateId(), name: "lobby", processId: "p1", maxClients: 10, ...fields });
    assert.equal(await driver.persist(room, true), true);
    return room;
  }
  const ids = (rooms: IRoomCache[]) => rooms.map((room) => room.roomId);

  it("finds a listed room by id, by name and by process, with its fields", async () => {
    const room = await list({ name: "lobby", processId: "p1", clients: 3, maxClients: 1000, metadata: { mode: "text" }, publicAddress: "h:1" });
    assert.equal(await driver.has(room.roomId), true);
    const found = await driver.findOne({ roomId: room.roomId });
    assert.equal(found.name, "lobby");
    assert.equal(found.processId, "p1");
    assert.equal(found.clients, 3);
    assert.equal(found.maxClients, 1000);
    assert.equal(found.publicAddress, "h:1");
    assert.deepEqual(found.metadata, { mode: "text" });
    assert.equal(found.locked, false);
    assert.equal(found.createdAt!.getTime(), room.createdAt!.getTime());
    assert.deepEqual(ids(await driver.query({ name: "lobby" })), [room.roomId]);
    assert.deepEqual(ids(await driver.query({ processId: "p1" })), [room.roomId]);
    assert.equal(await driver.has("no-such-room"), false);
    assert.equal(await driver.findOne({ roomId: "no-such-room" }), undefined);
  });

  it("offers joinOrCreate only rooms of that name that are neither locked nor private", async () => {
    await list({ name: "chat" });
    await list({ name: "lobby", locked: true });
    await list({ name: "lobby", private: true });
    const open = await list({ name: "lobby" });
    assert.deepEqual(ids(await driver.query(joinable("lobby"))), [open.roomId]);
    assert.equal((await driver.findOne(joinable("lobby"))).roomId, open.roomId);
    assert.equal(await driver.findOne(joinable("nothing-of-this-name")), undefined);
  });

  it("takes a room out of joinOrCreate while locked or private, and offers it again once unlocked", async () => {
    const room = await list({ name: "lobby" });
    await driver.update(room, { $set: { locked: true } });
    assert.equal(await driver.findOne(joinable("lobby")), undefined);
    assert.equal((await driver.findOne({ roomId: room.roomId })).locked, true, "still found by id");
    await driver.update(room, { $set: { locked: false } });
    assert.equal((await driver.findOne(joinable("lobby"))).roomId, room.roomId);
    room.private = true;
    await driver.persist(room);
    assert.equal(await driver.findOne(joinable("lobby")), undefined);
    assert.equal((await driver.query({ name: "lobby" })).length, 1, "listed, though not joinable");
  });

  it("keeps the client count and metadata that rooms write", async () => {
    const room = await list({ name: "lobby" });
    await driver.update(room, { $inc: { clients: 1 }, $set: { locked: false } });
    await driver.update(room, { $inc: { clients: 1 } });
    await driver.update(room, { $inc: { clients: -1 } });
    room.metadata = { topic: "music" };
    await driver.persist(room);
    const found = await driver.findOne({ roomId: room.roomId });
    assert.equal(found.clients, 1);
    assert.deepEqual(found.metadata, { topic: "music" });
    assert.deepEqual(ids(await driver.query({ name: "lobby", topic: "music" })), [room.roomId], "filters on metadata");
    assert.deepEqual(await driver.query({ name: "lobby", topic: "sports" }), []);
  });

  it("returns rooms oldest first, or sorted by fields and metadata as asked", async () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
    const a = await list({ clients: 5, metadata: { level: 2 }, createdAt: at(1) });
    const b = await list({ clients: 2, metadata: { level: 9 }, createdAt: at(2) });
    const c = await list({ clients: 5, metadata: { level: 1 }, createdAt: at(3) });
    assert.equal((await driver.findOne(joinable("lobby"))).roomId, a.roomId);
    assert.deepEqual(ids(await driver.query({ name: "lobby" }, { clients: 1 })), [b.roomId, a.roomId, c.roomId]);
    assert.deepEqual(ids(await driver.query({ name: "lobby" }, { clients: "desc", level: "asc" })), [c.roomId, a.roomId, b.roomId]);
    assert.equal((await driver.findOne(joinable("lobby"), { level: -1 })).roomId, b.roomId);
  });

  it("refuses to insert a room id that is already listed, keeping the first listing", async () => {
    const first = await list({ name: "chat", processId: "p1" });
    const second = initializeRoomCache({ roomId: first.roomId, name: "chat", processId: "p2" });
    assert.equal(await driver.insert!(second), false);
    assert.equal((await driver.findOne({ roomId: first.roomId })).processId, "p1");
    const fresh = initializeRoomCache({ roomId: generateId(), name: "chat", processId: "p2" });
    assert.equal(await driver.insert!(fresh), true);
    assert.equal((await driver.findOne({ roomId: fresh.roomId })).processId, "p2");
  });

  it("does not list a room again that was removed, when a late update arrives", async () => {
    const room = await list({ name: "lobby" });
    assert.equal(await driver.remove(room.roomId), true);
    assert.equal(await driver.remove(room.roomId), false);
    await driver.update(room, { $inc: { clients: 1 } });
    await driver.persist(room);
    assert.equal(await driver.has(room.roomId), false);
    assert.deepEqual(await driver.query({ name: "lobby" }), []);
    assert.equal(await driver.findOne(joinable("lobby")), undefined);
    assert.equal(await driver.persist(initializeRoomCache({ roomId: generateId(), name: "lobby" })), false, "persist without create lists nothing");
    assert.deepEqual(await driver.query({}), []);
  });

  it("moves a room renamed through persist to its new name", async () => {
    const room = await list({ name: "one" });
    room.name = "hello";
    await driver.persist(room);
    assert.deepEqual(await driver.query({ name: "one" }), []);
    assert.equal((await driver.findOne({ name: "hello" })).roomId, room.roomId);
  });

  it("finds rooms by a list of ids, leaving out the unknown ones", async () => {
    const [a, b] = [await list({}), await list({ name: "chat" })];
    const found = await driver.findByIds([a.roomId, "missing", b.roomId]);
    assert.deepEqual([...found.keys()].sort(), [a.roomId, b.roomId].sort());
    assert.equal(found.get(b.roomId)!.name, "chat");
    assert.equal((await driver.findByIds([])).size, 0);
  });

  it("cleans up a dead process's rooms and only those", async () => {
    const count = 600;
    for (let i = 0; i < count; i++) {
      await list({ name: i % 2 ? "chat" : "lobby", processId: "dead" });
      await list({ name: i % 2 ? "chat" : "lobby", processId: "alive" });
    }
    assert.equal((await driver.query({ processId: "dead" })).length, count);
    await driver.cleanup!("dead");
    assert.deepEqual(await driver.query({ processId: "dead" }), []);
    assert.equal((await driver.query({ processId: "alive" })).length, count);
    assert.equal((await driver.query({ name: "chat" })).length, count / 2);
    assert.ok((await driver.query(joinable("lobby"))).every((room) => room.processId === "alive"));
  });

  it("lists every room for a query without conditions, and none after clear", async () => {
    await list({ name: "lobby" });
    await list({ name: "chat", processId: "p2", private: true });
    assert.equal((await driver.query({})).length, 2);
    await driver.clear();
    assert.deepEqual(await driver.query({}), []);
    assert.deepEqual(await driver.query({ name: "lobby" }), []);
    assert.equal(await driver.findOne(joinable("lobby")), undefined);
  });
}

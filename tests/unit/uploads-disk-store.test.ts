import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { createLogger } from "../../src/logger/index.ts";
import { DiskUploadStore } from "../../src/uploads/disk-store.ts";
import { startSweeper } from "../../src/uploads/sweeper.ts";
import { tempDir } from "../helpers/server.ts";
import { eventually } from "../helpers/eventually.ts";
import { filesUnder } from "../helpers/uploads.ts";

const quota = { maxFiles: 10, maxBytes: 1_000_000 };
const logger = createLogger({ isProduction: false, log: { level: "silent", dir: tempDir("pairline-logs-"), console: false } });
const upload = (roomId: string, bytes: Buffer) =>
  ({ roomId, ownerId: "u1", name: "a.txt", mime: "text/plain", size: bytes.length, duration: null });

describe("uploads: the disk store", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir("pairline-disk-store-");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("leaves no file behind when a room is deleted", async () => {
    const store = await DiskUploadStore.open(dir, quota);
    const bytes = Buffer.from("hello");
    await store.save(upload("room1", bytes), Readable.from([bytes]));
    await store.save(upload("room1", bytes), Readable.from([bytes]));
    assert.equal(filesUnder(dir).length, 4);
    await store.deleteRoom("room1");
    assert.deepEqual(filesUnder(dir), []);
  });

  it("sweeps old leftovers of interrupted writes but not fresh ones", async () => {
    const store = await DiskUploadStore.open(dir, quota);
    const roomDir = path.join(dir, "rooms", "0123456789abcdef0123456789abcdef");
    fs.mkdirSync(roomDir, { recursive: true });
    const old = new Date(Date.now() - 3_600_000);
    for (const name of ["AAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBB.part"]) {
      fs.writeFileSync(path.join(roomDir, name), "orphan");
      fs.utimesSync(path.join(roomDir, name), old, old);
    }
    fs.writeFileSync(path.join(roomDir, "CCCCCCCCCCCCCCCCCCCCCC.part"), "being written");
    await store.deleteCreatedBefore(new Date(Date.now() - 60_000));
    assert.deepEqual(filesUnder(dir), [path.join("rooms", "0123456789abcdef0123456789abcdef", "CCCCCCCCCCCCCCCCCCCCCC.part")]);
  });

  it("an upload into a chat whose folder the sweep finds old and empty is stored whole", async () => {
    const store = await DiskUploadStore.open(dir, quota);
    const bytes = Buffer.from("new");
    const old = new Date(Date.now() - 3_600_000);
    const roomsDir = path.join(dir, "rooms");
    for (let round = 0; round < 100; round++) {
      const saved = await store.save(upload("quiet", bytes), Readable.from([bytes]));
      await store.delete(saved.id);
      const [folder] = fs.readdirSync(roomsDir);
      fs.utimesSync(path.join(roomsDir, folder!), old, old);
      const [again] = await Promise.all([store.save(upload("quiet", bytes), Readable.from([bytes])), store.deleteCreatedBefore(new Date(Date.now() - 60_000))]);
      const content = await store.read(again.id);
      assert.ok(content, `round ${round}: the upload is readable`);
      content.destroy();
      await store.delete(again.id);
    }
  });

  it("sweeps expired uploads at start and on its timer, and stops", async () => {
    const store = await DiskUploadStore.open(dir, quota);
    const bytes = Buffer.from("old");
    const first = await store.save(upload("r", bytes), Readable.from([bytes]));
    const sweeper = startSweeper(store, { maxAgeMs: 0, intervalMs: 100 }, logger);
    await eventually(async () => assert.equal(await store.get(first.id), null));
    const second = await store.save(upload("r", bytes), Readable.from([bytes]));
    await eventually(async () => assert.equal(await store.get(second.id), null));
    await sweeper.stop();
    const third = await store.save(upload("r", bytes), Readable.from([bytes]));
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.ok(await store.get(third.id), "a stopped sweeper deletes nothing");
  });
});

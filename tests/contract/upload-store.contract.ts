import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { AppError, AppErrorCode } from "../../src/errors/index.ts";
import type { NewUpload, UploadQuota, UploadStore } from "../../src/uploads/store.ts";

export type OpenUploadStore = (quota: UploadQuota) => Promise<UploadStore>;

const roomId = () => `room_${randomBytes(6).toString("hex")}`;

function upload(room: string, bytes: Buffer, overrides: Partial<NewUpload> = {}): NewUpload {
  return { roomId: room, ownerId: "owner-1", name: "photo.png", mime: "image/png", size: bytes.length, duration: null, ...overrides };
}

async function readAll(store: UploadStore, id: string, range?: { start: number; end: number }) {
  const stream = await store.read(id, range);
  return stream ? buffer(stream) : null;
}

async function rejectsWithQuota(promise: Promise<unknown>) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, AppErrorCode.UPLOAD_QUOTA_EXCEEDED);
    assert.equal(error.status, 413);
    return true;
  });
}

/** The behaviour every UploadStore implementation must have; run by each store's test file. */
export function uploadStoreContract(open: OpenUploadStore) {
  let store: UploadStore;
  beforeEach(async () => {
    store = await open({ maxFiles: 3, maxBytes: 1000 });
  });
  afterEach(async () => {
    await store.close();
  });

  it("stores the bytes and the record, and gives both back", async () => {
    const room = roomId();
    const bytes = randomBytes(300);
    const saved = await store.save(upload(room, bytes, { mime: "audio/webm", name: "voice-note.webm", duration: 7.3 }), Readable.from([bytes]));
    assert.equal(saved.roomId, room);
    assert.equal(saved.size, 300);
    assert.ok(Math.abs(saved.createdAt.getTime() - Date.now()) < 5000);
    assert.deepEqual(await store.get(saved.id), saved);
    assert.deepEqual(await readAll(store, saved.id), bytes);
  });

  it("gives every upload its own unguessable id", async () => {
    const room = roomId();
    const a = await store.save(upload(room, Buffer.from("a")), Readable.from([Buffer.from("a")]));
    const b = await store.save(upload(room, Buffer.from("b")), Readable.from([Buffer.from("b")]));
    assert.notEqual(a.id, b.id);
    assert.ok(a.id.length >= 20, "ids carry at least 120 random bits");
  });

  it("reads one byte range, both ends included", async () => {
    const bytes = randomBytes(500);
    const saved = await store.save(upload(roomId(), bytes), Readable.from([bytes]));
    assert.deepEqual(await readAll(store, saved.id, { start: 100, end: 199 }), bytes.subarray(100, 200));
  });

  it("knows nothing of unknown or path-like ids", async () => {
    for (const id of ["AAAAAAAAAAAAAAAAAAAAAA", "../files/x", "..%2f..%2fetc", ""]) {
      assert.equal(await store.get(id), null);
      assert.equal(await store.read(id), null);
      assert.equal(await store.delete(id), false);
    }
  });

  it("deletes every upload of a room and nothing of another room", async () => {
    const [ended, other] = [roomId(), roomId()];
    const bytes = Buffer.from("hello");
    const gone = [
      await store.save(upload(ended, bytes), Readable.from([bytes])),
      await store.save(upload(ended, bytes), Readable.from([bytes])),
    ];
    const kept = await store.save(upload(other, bytes), Readable.from([bytes]));
    assert.equal(await store.deleteRoom(ended), 2);
    for (const { id } of gone) {
      assert.equal(await store.get(id), null);
      assert.equal(await store.read(id), null);
    }
    assert.deepEqual(await store.usage(ended), { files: 0, bytes: 0 });
    assert.deepEqual(await readAll(store, kept.id), bytes);
    assert.equal(await store.deleteRoom(ended), 0);
  });

  it("deletes one upload", async () => {
    const bytes = Buffer.from("x");
    const saved = await store.save(upload(roomId(), bytes), Readable.from([bytes]));
    assert.equal(await store.delete(saved.id), true);
    assert.equal(await store.get(saved.id), null);
  });

  it("refuses a file beyond the room's count quota and stores nothing of it", async () => {
    const room = roomId();
    const bytes = Buffer.from("1234");
    for (let i = 0; i < 3; i++) await store.save(upload(room, bytes), Readable.from([bytes]));
    await rejectsWithQuota(store.save(upload(room, bytes), Readable.from([bytes])));
    assert.deepEqual(await store.usage(room), { files: 3, bytes: 12 });
    const elsewhere = await store.save(upload(roomId(), bytes), Readable.from([bytes]));
    assert.ok(elsewhere.id, "the quota is per room");
  });

  it("refuses a file beyond the room's byte quota", async () => {
    const room = roomId();
    const big = randomBytes(600);
    await store.save(upload(room, big), Readable.from([big]));
    await rejectsWithQuota(store.save(upload(room, big), Readable.from([big])));
    assert.deepEqual(await store.usage(room), { files: 1, bytes: 600 });
  });

  it("keeps to the quota when uploads to one room race", async () => {
    const room = roomId();
    const bytes = Buffer.from("race");
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => store.save(upload(room, bytes), Readable.from([bytes]))),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 3);
    assert.equal((await store.usage(room)).files, 3);
  });

  it("stores nothing when the content does not match the declared size or fails", async () => {
    const room = roomId();
    await assert.rejects(store.save(upload(room, Buffer.alloc(10)), Readable.from([Buffer.alloc(9)])));
    await assert.rejects(store.save(upload(room, Buffer.alloc(10)), Readable.from([Buffer.alloc(11)])));
    const failing = new Readable({
      read() {
        this.destroy(new Error("client went away"));
      },
    });
    await assert.rejects(store.save(upload(room, Buffer.alloc(10)), failing));
    assert.deepEqual(await store.usage(room), { files: 0, bytes: 0 });
  });

  it("deletes what was created before a cutoff and keeps the rest", async () => {
    const bytes = Buffer.from("old");
    const saved = await store.save(upload(roomId(), bytes), Readable.from([bytes]));
    assert.equal(await store.deleteCreatedBefore(new Date(Date.now() - 60_000)), 0);
    assert.ok(await store.get(saved.id));
    assert.ok((await store.deleteCreatedBefore(new Date(Date.now() + 1000))) >= 1);
    assert.equal(await store.get(saved.id), null);
  });
}

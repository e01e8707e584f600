import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { Redis } from "ioredis";
import { AppError } from "../../src/errors/index.ts";
import { RedisUploadStore } from "../../src/uploads/redis-store.ts";
import { freePort } from "../helpers/process.ts";
import { assertNoWholeCollectionRead, redisCostOf, totalCommands } from "../helpers/redis-cost.ts";
import { privateRedis } from "../helpers/redis.ts";
import { uploadStoreContract } from "./upload-store.contract.ts";

describe("UploadStore contract: Redis", function () {
  const redis = privateRedis(this.ctx);
  uploadStoreContract(async (quota) => new RedisUploadStore(redis.client, { quota, maxAgeMs: 3_600_000 }));

  it("keeps a room's quota when stores of different processes (own connections) save at once", async () => {
    const clients = [redis.server.client(), redis.server.client(), redis.server.client()];
    try {
      const stores = clients.map((c) => new RedisUploadStore(c, { quota: { maxFiles: 4, maxBytes: 1000 }, maxAgeMs: 3_600_000 }));
      const bytes = Buffer.from("shared");
      const upload = { roomId: "room-shared-by-processes", ownerId: "u1", name: "a.txt", mime: "text/plain", size: bytes.length, duration: null };
      const results = await Promise.allSettled(stores.flatMap((store) => [1, 2, 3].map(() => store.save(upload, Readable.from([bytes])))));
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 4);
      assert.deepEqual(await stores[0]!.usage(upload.roomId), { files: 4, bytes: 4 * bytes.length });
    } finally {
      for (const c of clients) c.disconnect();
    }
  });

  it("ends a chat without reading a whole collection: one EXISTS without uploads, one bounded range with them", async () => {
    const probe = redis.server.client();
    try {
      const store = new RedisUploadStore(redis.client, { quota: { maxFiles: 3, maxBytes: 1000 }, maxAgeMs: 3_600_000 });
      const quiet = await redisCostOf(probe, () => store.deleteRoom("room-without-uploads"));
      assertNoWholeCollectionRead(quiet);
      assert.deepEqual(quiet.commands, { exists: 1 });
      const bytes = Buffer.from("kept");
      const upload = { roomId: "room-with-uploads", ownerId: "u1", name: "a.txt", mime: "text/plain", size: bytes.length, duration: null };
      const saved = await Promise.all([1, 2, 3].map(() => store.save(upload, Readable.from([bytes]))));
      const busy = await redisCostOf(probe, async () => assert.equal(await store.deleteRoom(upload.roomId), 3));
      assertNoWholeCollectionRead(busy);
      assert.ok(totalCommands(busy) <= 2 + 2 + 3 * 3 + 1, `deleting 3 uploads took ${totalCommands(busy)} commands`);
      for (const { id } of saved) assert.equal(await store.get(id), null);
      assert.deepEqual(await store.usage(upload.roomId), { files: 0, bytes: 0 });
    } finally {
      probe.disconnect();
    }
  });

  it("lets Redis expire an upload after the longest a chat can last", async () => {
    const store = new RedisUploadStore(redis.client, { quota: { maxFiles: 3, maxBytes: 1000 }, maxAgeMs: 300 });
    const bytes = Buffer.from("short-lived");
    const saved = await store.save({ roomId: "room-expiring", ownerId: "u1", name: "a.txt", mime: "text/plain", size: bytes.length, duration: null }, Readable.from([bytes]));
    assert.ok(await store.get(saved.id));
    const deadline = Date.now() + 5000;
    while ((await store.get(saved.id)) !== null) {
      assert.ok(Date.now() < deadline, "the upload expired");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(await store.read(saved.id), null);
    assert.deepEqual(await store.usage("room-expiring"), { files: 0, bytes: 0 });
  });

  it("answers 503 SERVICE_UNAVAILABLE, not an internal error, while Redis does not answer", async () => {
    const unreachable = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: null, commandTimeout: 200 });
    unreachable.on("error", () => undefined);
    try {
      const store = new RedisUploadStore(unreachable, { quota: { maxFiles: 3, maxBytes: 1000 }, maxAgeMs: 3_600_000 });
      const bytes = Buffer.from("x");
      const upload = { roomId: "room-unreachable", ownerId: "u1", name: "a.txt", mime: "text/plain", size: 1, duration: null };
      for (const attempt of [store.get("AAAAAAAAAAAAAAAAAAAAAA"), store.save(upload, Readable.from([bytes]))]) {
        await assert.rejects(attempt, (error: unknown) => error instanceof AppError && error.status === 503);
      }
    } finally {
      unreachable.disconnect();
    }
  });
});

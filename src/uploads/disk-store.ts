import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Errors } from "../errors/index.ts";
import { KeyedQueue } from "./keyed-queue.ts";
import type { ByteRange, NewUpload, UploadQuota, UploadRecord, UploadStore } from "./store.ts";

/**
 * Uploads on the local disk:
 *   `files/<id>.json`          the record; its presence makes the upload visible
 *   `rooms/<room key>/<id>`    the bytes, grouped by room so a room is deleted at once
 * The room key is a hash of the room id, and ids are checked against their format,
 * so nothing a client sends ever becomes part of a path. Quota checks are atomic
 * within one process.
 */
const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const PARTIAL = ".part";

const newId = () => randomBytes(16).toString("base64url");
const roomKey = (roomId: string) => createHash("sha256").update(roomId).digest("hex").slice(0, 32);

interface StoredRecord extends Omit<UploadRecord, "createdAt"> {
  createdAt: string;
}

function toRecord(stored: StoredRecord): UploadRecord {
  return { ...stored, createdAt: new Date(stored.createdAt) };
}

async function readJson(file: string): Promise<StoredRecord | null> {
  try {
    return JSON.parse(await fsp.readFile(file, "utf8")) as StoredRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

const exists = (file: string) => fsp.access(file).then(() => true, () => false);

function byteCounter(expected: number) {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > expected) return callback(new Error(`content is longer than the declared ${expected} bytes`));
      callback(null, chunk);
    },
    flush(callback) {
      callback(seen === expected ? null : new Error(`content has ${seen} bytes, ${expected} were declared`));
    },
  });
}

export class DiskUploadStore implements UploadStore {
  readonly #filesDir: string;
  readonly #roomsDir: string;
  readonly #quota: UploadQuota;
  /** Work on one chat's files, in order: keyed by its folder's name, which the sweep also knows. */
  readonly #rooms = new KeyedQueue();

  private constructor(root: string, quota: UploadQuota) {
    this.#filesDir = path.join(root, "files");
    this.#roomsDir = path.join(root, "rooms");
    this.#quota = quota;
  }

  static async open(root: string, quota: UploadQuota): Promise<DiskUploadStore> {
    const store = new DiskUploadStore(root, quota);
    await fsp.mkdir(store.#filesDir, { recursive: true });
    await fsp.mkdir(store.#roomsDir, { recursive: true });
    return store;
  }

  #recordPath(id: string) {
    return path.join(this.#filesDir, `${id}.json`);
  }

  #bytesPath(roomId: string, id: string) {
    return path.join(this.#roomsDir, roomKey(roomId), id);
  }

  save(upload: NewUpload, content: Readable): Promise<UploadRecord> {
    return this.#rooms.run(roomKey(upload.roomId), async () => {
      const usage = await this.usage(upload.roomId);
      if (usage.files + 1 > this.#quota.maxFiles) {
        content.destroy();
        throw Errors.uploadQuotaExceeded(`This chat already holds ${this.#quota.maxFiles} files`);
      }
      if (usage.bytes + upload.size > this.#quota.maxBytes) {
        content.destroy();
        throw Errors.uploadQuotaExceeded("This chat has no room left for a file this large");
      }
      const record: UploadRecord = { ...upload, id: newId(), createdAt: new Date() };
      const bytesPath = this.#bytesPath(upload.roomId, record.id);
      await fsp.mkdir(path.dirname(bytesPath), { recursive: true });
      try {
        await pipeline(content, byteCounter(upload.size), fs.createWriteStream(bytesPath + PARTIAL, { flags: "wx" }));
        await fsp.rename(bytesPath + PARTIAL, bytesPath);
        const stored: StoredRecord = { ...record, createdAt: record.createdAt.toISOString() };
        await fsp.writeFile(this.#recordPath(record.id) + PARTIAL, JSON.stringify(stored), { flag: "wx" });
        await fsp.rename(this.#recordPath(record.id) + PARTIAL, this.#recordPath(record.id));
      } catch (error) {
        await this.#removeFiles(record.roomId, record.id);
        throw error;
      }
      return record;
    });
  }

  async get(id: string): Promise<UploadRecord | null> {
    if (!ID_PATTERN.test(id)) return null;
    const stored = await readJson(this.#recordPath(id));
    return stored ? toRecord(stored) : null;
  }

  async read(id: string, range?: ByteRange): Promise<Readable | null> {
    const record = await this.get(id);
    if (!record) return null;
    try {
      const handle = await fsp.open(this.#bytesPath(record.roomId, id), "r");
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    const record = await this.get(id);
    if (!record) return false;
    await this.#rooms.run(roomKey(record.roomId), () => this.#removeFiles(record.roomId, id));
    return true;
  }

  deleteRoom(roomId: string): Promise<number> {
    const key = roomKey(roomId);
    return this.#rooms.run(key, async () => {
      const dir = path.join(this.#roomsDir, key);
      // Most chats end without an upload: a missing folder is told by one cached lookup, not by an ENOENT error from the thread pool.
      if (!fs.statSync(dir, { throwIfNoEntry: false })) return 0;
      const ids = (await listDir(dir)).filter((name) => ID_PATTERN.test(name));
      await Promise.all(ids.map((id) => fsp.rm(this.#recordPath(id), { force: true })));
      await fsp.rm(dir, { recursive: true, force: true });
      return ids.length;
    });
  }

  async deleteCreatedBefore(cutoff: Date): Promise<number> {
    let deleted = 0;
    for (const entry of await listDir(this.#filesDir)) {
      const file = path.join(this.#filesDir, entry);
      if (entry.endsWith(PARTIAL)) {
        if (await this.#olderThan(file, cutoff)) await fsp.rm(file, { force: true });
        continue;
      }
      const stored = await readJson(file);
      if (stored && new Date(stored.createdAt) < cutoff) {
        await this.#rooms.run(roomKey(stored.roomId), () => this.#removeFiles(stored.roomId, stored.id));
        deleted += 1;
      }
    }
    await this.#removeUnrecordedBytes(cutoff);
    return deleted;
  }

  async usage(roomId: string): Promise<{ files: number; bytes: number }> {
    const dir = path.join(this.#roomsDir, roomKey(roomId));
    const ids = (await listDir(dir)).filter((name) => ID_PATTERN.test(name));
    const sizes = await Promise.all(
      ids.map((id) => fsp.stat(path.join(dir, id)).then((s) => s.size, () => 0)),
    );
    return { files: ids.length, bytes: sizes.reduce((sum, size) => sum + size, 0) };
  }

  async close(): Promise<void> {}

  async #removeFiles(roomId: string, id: string) {
    await fsp.rm(this.#recordPath(id), { force: true });
    await fsp.rm(this.#recordPath(id) + PARTIAL, { force: true });
    const bytesPath = this.#bytesPath(roomId, id);
    await fsp.rm(bytesPath, { force: true });
    await fsp.rm(bytesPath + PARTIAL, { force: true });
  }

  async #olderThan(file: string, cutoff: Date) {
    const stat = await fsp.stat(file).catch(() => null);
    return stat !== null && stat.mtime < cutoff;
  }

  /** Bytes left behind by a crash between writing them and writing their record. */
  async #removeUnrecordedBytes(cutoff: Date) {
    for (const key of await listDir(this.#roomsDir)) {
      // In the chat's queue: an upload starting there must not find its folder gone.
      await this.#rooms.run(key, async () => {
        const dir = path.join(this.#roomsDir, key);
        for (const name of await listDir(dir)) {
          const id = name.endsWith(PARTIAL) ? name.slice(0, -PARTIAL.length) : name;
          const recorded = ID_PATTERN.test(id) && (await exists(this.#recordPath(id)));
          if (!recorded && (await this.#olderThan(path.join(dir, name), cutoff))) {
            await fsp.rm(path.join(dir, name), { force: true });
          }
        }
        if (await this.#olderThan(dir, cutoff)) await fsp.rmdir(dir).catch(() => undefined);
      });
    }
  }
}

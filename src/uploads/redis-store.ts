import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { Redis } from "ioredis";
import { Errors } from "../errors/index.ts";
import type { ByteRange, NewUpload, UploadQuota, UploadRecord, UploadStore } from "./store.ts";

/**
 * Uploads in Redis, so that any process serves any file:
 *   `pairline:upload:<id>`        the record (JSON)
 *   `pairline:upload:<id>:bytes`  the bytes
 *   `pairline:upload-room:<room>` hash of the room's upload ids and their sizes
 *   `pairline:uploads:created`    sorted set of ids by creation time, for the sweep
 * Every key expires after the longest a chat can last, so nothing outlives it even
 * if no process is left to sweep. One script checks the room's quota and writes the
 * upload, so the quota holds however many processes save at once.
 */
const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const RECORD_PREFIX = "pairline:upload:";
const CREATED_KEY = "pairline:uploads:created";
const recordKey = (id: string) => `${RECORD_PREFIX}${id}`;
const bytesKey = (id: string) => `${RECORD_PREFIX}${id}:bytes`;
const roomKey = (roomId: string) => `pairline:upload-room:${roomId}`;

const QuotaRefusal = { None: 0, Files: 1, Bytes: 2 } as const;

/** KEYS: room, record, bytes, created. ARGV: id, size, maxFiles, maxBytes, record, bytes, ttlMs, createdAt, record prefix. */
const SAVE_SCRIPT = `
local files, used = 0, 0
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  if redis.call('EXISTS', ARGV[9] .. entries[i]) == 1 then
    files = files + 1
    used = used + tonumber(entries[i + 1])
  else
    redis.call('HDEL', KEYS[1], entries[i])
  end
end
if files + 1 > tonumber(ARGV[3]) then return ${QuotaRefusal.Files} end
if used + tonumber(ARGV[2]) > tonumber(ARGV[4]) then return ${QuotaRefusal.Bytes} end
redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[7])
redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[7])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('ZADD', KEYS[4], ARGV[8], ARGV[1])
return ${QuotaRefusal.None}
`;

type SaveUpload = (
  room: string, record: string, bytes: string, created: string,
  id: string, size: number, maxFiles: number, maxBytes: number,
  json: string, content: Buffer, ttlMs: number, createdAt: number, recordPrefix: string,
) => Promise<number>;

/** Redis not answering (a timeout, a lost connection) is the service being unavailable, not a bug: a 503. */
function unavailableIfUnreachable(error: unknown): never {
  if (error instanceof Error && error.name !== "ReplyError") {
    throw Errors.unavailable("Uploads are unavailable right now; try again shortly");
  }
  throw error;
}

interface StoredRecord extends Omit<UploadRecord, "createdAt"> {
  createdAt: string;
}

/** Reads exactly `expected` bytes, failing on more, fewer, or a failing stream. */
async function readExactly(content: Readable, expected: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let seen = 0;
  for await (const chunk of content) {
    seen += (chunk as Buffer).length;
    if (seen > expected) {
      content.destroy();
      throw new Error(`content is longer than the declared ${expected} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  if (seen !== expected) throw new Error(`content has ${seen} bytes, ${expected} were declared`);
  return Buffer.concat(chunks, seen);
}

export class RedisUploadStore implements UploadStore {
  readonly #redis: Redis;
  readonly #quota: UploadQuota;
  readonly #maxAgeMs: number;
  readonly #saveUpload: SaveUpload;
  readonly #close: () => Promise<void>;

  /** `close` ends what the store owns (e.g. its connection). */
  constructor(redis: Redis, options: { quota: UploadQuota; maxAgeMs: number; close?: () => Promise<void> }) {
    this.#redis = redis;
    this.#quota = options.quota;
    this.#maxAgeMs = options.maxAgeMs;
    this.#close = options.close ?? (async () => undefined);
    if (!("pairlineSaveUpload" in redis)) redis.defineCommand("pairlineSaveUpload", { numberOfKeys: 4, lua: SAVE_SCRIPT });
    this.#saveUpload = (redis as unknown as { pairlineSaveUpload: SaveUpload }).pairlineSaveUpload.bind(redis);
  }

  async save(upload: NewUpload, content: Readable): Promise<UploadRecord> {
    const bytes = await readExactly(content, upload.size);
    const record: UploadRecord = { ...upload, id: randomBytes(16).toString("base64url"), createdAt: new Date() };
    const stored: StoredRecord = { ...record, createdAt: record.createdAt.toISOString() };
    const refusal = await this.#saveUpload(
      roomKey(record.roomId), recordKey(record.id), bytesKey(record.id), CREATED_KEY,
      record.id, record.size, this.#quota.maxFiles, this.#quota.maxBytes,
      JSON.stringify(stored), bytes, this.#maxAgeMs, record.createdAt.getTime(), RECORD_PREFIX,
    ).catch(unavailableIfUnreachable);
    if (refusal === QuotaRefusal.Files) throw Errors.uploadQuotaExceeded(`This chat already holds ${this.#quota.maxFiles} files`);
    if (refusal === QuotaRefusal.Bytes) throw Errors.uploadQuotaExceeded("This chat has no room left for a file this large");
    return record;
  }

  async get(id: string): Promise<UploadRecord | null> {
    if (!ID_PATTERN.test(id)) return null;
    const raw = await this.#redis.get(recordKey(id)).catch(unavailableIfUnreachable);
    if (raw === null) return null;
    const stored = JSON.parse(raw) as StoredRecord;
    return { ...stored, createdAt: new Date(stored.createdAt) };
  }

  async read(id: string, range?: ByteRange): Promise<Readable | null> {
    if (!(await this.get(id))) return null;
    const bytes = await (range
      ? this.#redis.getrangeBuffer(bytesKey(id), range.start, range.end)
      : this.#redis.getBuffer(bytesKey(id))
    ).catch(unavailableIfUnreachable);
    return bytes === null ? null : Readable.from([bytes]);
  }

  async delete(id: string): Promise<boolean> {
    const record = await this.get(id);
    if (!record) return false;
    return (await this.#remove(record.roomId, [id])) > 0;
  }

  async deleteRoom(roomId: string): Promise<number> {
    const ids = await this.#redis.hkeys(roomKey(roomId));
    const deleted = await this.#remove(roomId, ids);
    await this.#redis.del(roomKey(roomId));
    return deleted;
  }

  async deleteCreatedBefore(cutoff: Date): Promise<number> {
    const ids = await this.#redis.zrangebyscore(CREATED_KEY, "-inf", `(${cutoff.getTime()}`);
    let deleted = 0;
    for (const id of ids) {
      const record = await this.get(id);
      if (record) deleted += await this.#remove(record.roomId, [id]);
      else await this.#redis.zrem(CREATED_KEY, id);
    }
    return deleted;
  }

  /** Counts the room's uploads whose record still exists (an expired one no longer counts). */
  async usage(roomId: string): Promise<{ files: number; bytes: number }> {
    const entries = Object.entries(await this.#redis.hgetall(roomKey(roomId)));
    const live = await Promise.all(entries.map(([id]) => this.#redis.exists(recordKey(id))));
    const sizes = entries.filter((_, i) => live[i] === 1).map(([, size]) => Number(size));
    return { files: sizes.length, bytes: sizes.reduce((sum, size) => sum + size, 0) };
  }

  close(): Promise<void> {
    return this.#close();
  }

  /** Deletes the uploads' keys; returns how many records existed. */
  async #remove(roomId: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const results = await this.#redis
      .multi()
      .del(...ids.map(recordKey))
      .del(...ids.map(bytesKey))
      .hdel(roomKey(roomId), ...ids)
      .zrem(CREATED_KEY, ...ids)
      .exec();
    return Number(results?.[0]?.[1] ?? 0);
  }
}

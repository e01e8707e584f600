import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { Redis } from "ioredis";
import { Errors } from "../errors/index.ts";
import type { ByteRange, NewUpload, UploadQuota, UploadRecord, UploadStore } from "./store.ts";

/**
 * Uploads in Redis, so that any process serves any file:
 *   `pairline:upload:<id>`        the record (JSON)
 *   `pairline:upload:<id>:bytes`  the bytes
 *   `pairline:upload-chat:<room>` sorted set of the room's upload ids, scored by size
 *   `pairline:uploads:created`    sorted set of ids by creation time, for the sweep
 * Every key expires after the longest a chat can last, so nothing outlives it even
 * if no process is left to sweep. One script checks the room's quota and writes the
 * upload, so the quota holds however many processes save at once. A room's set never
 * holds more than its file quota (each save first drops the expired), so it is read in
 * pages of that size: one bounded range, and a chat without uploads costs one EXISTS.
 */
const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const RECORD_PREFIX = "pairline:upload:";
const CREATED_KEY = "pairline:uploads:created";
const recordKey = (id: string) => `${RECORD_PREFIX}${id}`;
const bytesKey = (id: string) => `${RECORD_PREFIX}${id}:bytes`;
const roomKey = (roomId: string) => `pairline:upload-chat:${roomId}`;

const QuotaRefusal = { None: 0, Files: 1, Bytes: 2 } as const;

/** Calls `visit(id, size)` for each entry of the room's set (KEYS[1]), reading `page` entries per range. */
const EACH_ENTRY = `
local function eachEntry(page, visit)
  local start = 0
  repeat
    local entries = redis.call('ZRANGE', KEYS[1], start, start + page - 1, 'WITHSCORES')
    for i = 1, #entries, 2 do visit(entries[i], tonumber(entries[i + 1])) end
    start = start + page
  until #entries < 2 * page
end
`;

/** KEYS: room, record, bytes, created. ARGV: id, size, maxFiles, maxBytes, record, bytes, ttlMs, createdAt, record prefix. */
const SAVE_SCRIPT = `${EACH_ENTRY}
local files, used, expired = 0, 0, {}
eachEntry(math.max(1, tonumber(ARGV[3])), function(id, size)
  if redis.call('EXISTS', ARGV[9] .. id) == 1 then
    files = files + 1
    used = used + size
  else
    expired[#expired + 1] = id
  end
end)
if #expired > 0 then redis.call('ZREM', KEYS[1], unpack(expired)) end
if files + 1 > tonumber(ARGV[3]) then return ${QuotaRefusal.Files} end
if used + tonumber(ARGV[2]) > tonumber(ARGV[4]) then return ${QuotaRefusal.Bytes} end
redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[7])
redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[7])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('ZADD', KEYS[4], ARGV[8], ARGV[1])
return ${QuotaRefusal.None}
`;

/** The room's live uploads, as { files, bytes }. KEYS: room. ARGV: page, record prefix. */
const USAGE_SCRIPT = `${EACH_ENTRY}
local files, used = 0, 0
eachEntry(tonumber(ARGV[1]), function(id, size)
  if redis.call('EXISTS', ARGV[2] .. id) == 1 then
    files = files + 1
    used = used + size
  end
end)
return { files, used }
`;

/** Deletes every upload of a room; returns how many records existed. KEYS: room, created. ARGV: page, record prefix. */
const DELETE_ROOM_SCRIPT = `${EACH_ENTRY}
local ids = {}
eachEntry(tonumber(ARGV[1]), function(id) ids[#ids + 1] = id end)
local deleted = 0
for _, id in ipairs(ids) do
  deleted = deleted + redis.call('DEL', ARGV[2] .. id)
  redis.call('DEL', ARGV[2] .. id .. ':bytes')
  redis.call('ZREM', KEYS[2], id)
end
redis.call('DEL', KEYS[1])
return deleted
`;

type SaveUpload = (
  room: string, record: string, bytes: string, created: string,
  id: string, size: number, maxFiles: number, maxBytes: number,
  json: string, content: Buffer, ttlMs: number, createdAt: number, recordPrefix: string,
) => Promise<number>;
type RoomUsage = (room: string, page: number, recordPrefix: string) => Promise<[number, number]>;
type DeleteRoom = (room: string, created: string, page: number, recordPrefix: string) => Promise<number>;

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
  readonly #roomUsage: RoomUsage;
  readonly #deleteRoom: DeleteRoom;
  readonly #close: () => Promise<void>;

  /** `close` ends what the store owns (e.g. its connection). */
  constructor(redis: Redis, options: { quota: UploadQuota; maxAgeMs: number; close?: () => Promise<void> }) {
    this.#redis = redis;
    this.#quota = options.quota;
    this.#maxAgeMs = options.maxAgeMs;
    this.#close = options.close ?? (async () => undefined);
    if (!("pairlineSaveUpload" in redis)) {
      redis.defineCommand("pairlineSaveUpload", { numberOfKeys: 4, lua: SAVE_SCRIPT });
      redis.defineCommand("pairlineRoomUploadUsage", { numberOfKeys: 1, lua: USAGE_SCRIPT });
      redis.defineCommand("pairlineDeleteRoomUploads", { numberOfKeys: 2, lua: DELETE_ROOM_SCRIPT });
    }
    const commands = redis as unknown as { pairlineSaveUpload: SaveUpload; pairlineRoomUploadUsage: RoomUsage; pairlineDeleteRoomUploads: DeleteRoom };
    this.#saveUpload = commands.pairlineSaveUpload.bind(redis);
    this.#roomUsage = commands.pairlineRoomUploadUsage.bind(redis);
    this.#deleteRoom = commands.pairlineDeleteRoomUploads.bind(redis);
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

  /** A chat without uploads (most) costs one EXISTS, not a script call; a save racing the end deletes its own upload (see routes). */
  async deleteRoom(roomId: string): Promise<number> {
    if ((await this.#redis.exists(roomKey(roomId))) === 0) return 0;
    return this.#deleteRoom(roomKey(roomId), CREATED_KEY, this.#page(), RECORD_PREFIX);
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
    const [files, bytes] = await this.#roomUsage(roomKey(roomId), this.#page(), RECORD_PREFIX);
    return { files, bytes };
  }

  close(): Promise<void> {
    return this.#close();
  }

  /** Entries read per range of a room's set: its quota, so one range reads it all. */
  #page(): number {
    return Math.max(1, this.#quota.maxFiles);
  }

  /** Deletes the uploads' keys; returns how many records existed. */
  async #remove(roomId: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const results = await this.#redis
      .multi()
      .del(...ids.map(recordKey))
      .del(...ids.map(bytesKey))
      .zrem(roomKey(roomId), ...ids)
      .zrem(CREATED_KEY, ...ids)
      .exec();
    return Number(results?.[0]?.[1] ?? 0);
  }
}

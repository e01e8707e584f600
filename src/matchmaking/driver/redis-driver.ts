import { initializeRoomCache, type IRoomCache, type MatchMakerDriver, type SortOptions } from "@colyseus/core";
import type { Redis } from "ioredis";
import { applyOperations } from "./local-driver.ts";
import { ProcessLoad } from "./process-load.ts";
import { asksForJoinable, createdAtScore, isJoinable, matches, sortRooms } from "./listing.ts";
import { PUT_LISTING, READ_INDEX, REMOVE_LISTING, REMOVE_PROCESS_LISTINGS, UPDATE_LISTING } from "./redis-scripts.ts";

type Conditions = Partial<IRoomCache> & Record<string, unknown>;
type Operations = Partial<{ $set: Partial<IRoomCache>; $inc: Partial<IRoomCache> }>;
type Script = (...args: Array<string | number>) => Promise<unknown>;

export const DEFAULT_ROOMS_PREFIX = "pairline:rooms";
/** Listings read or removed per round trip, so no single command moves an unbounded reply. */
const PAGE = 500;

/** How this driver last indexed a room it wrote, so that a plain update touches no index. */
interface Indexed {
  name: string;
  processId: string;
  open: boolean;
}

function defineScript(client: Redis, name: string, lua: string, numberOfKeys = 0): Script {
  client.defineCommand(name, { numberOfKeys, lua });
  const command = (client as unknown as Record<string, Script>)[name]!;
  return (...args) => command.apply(client, args);
}

/** A stored listing as Colyseus builds one, with `createdAt` a Date again (`initializeRoomCache` leaves the JSON string). */
function parse(json: string | null | undefined): IRoomCache | undefined {
  if (!json) return undefined;
  const room = initializeRoomCache(JSON.parse(json));
  if (room.createdAt !== undefined) room.createdAt = new Date(room.createdAt);
  return room;
}

/**
 * Colyseus's match-maker driver on Redis, indexed by room name and process. A
 * `joinOrCreate("lobby")` reads the joinable lobby rooms only; a chat room is found by
 * its id and never scanned; the cleanup of a dead process reads that process's rooms
 * only. Every change is one Lua script (atomic, one round trip).
 *
 * Unlike Colyseus's RedisDriver, `persist(room)` without `create` and `update` change a
 * listed room only: a room removed meanwhile (disposed, or swept with a process that
 * looked dead) is not listed again by a late update; Colyseus re-lists a swept room that
 * is still alive with `persist(room, true)`.
 */
export class NameIndexedRedisDriver implements MatchMakerDriver {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #indexed = new Map<string, Indexed>();
  readonly #readIndex: Script;
  readonly #put: Script;
  readonly #update: Script;
  readonly #remove: Script;
  readonly #removeProcess: Script;
  readonly #load: ProcessLoad;

  constructor(client: Redis, options: { prefix?: string } = {}) {
    this.#client = client;
    this.#prefix = options.prefix ?? DEFAULT_ROOMS_PREFIX;
    this.#load = new ProcessLoad(client, this.#prefix);
    this.#readIndex = defineScript(client, "pairlineRoomsRead", READ_INDEX, 2);
    this.#put = defineScript(client, "pairlineRoomsPut", PUT_LISTING);
    this.#update = defineScript(client, "pairlineRoomsUpdate", UPDATE_LISTING);
    this.#remove = defineScript(client, "pairlineRoomsRemove", REMOVE_LISTING);
    this.#removeProcess = defineScript(client, "pairlineRoomsRemoveProcess", REMOVE_PROCESS_LISTINGS);
  }

  /** For Colyseus's `selectProcessIdToCreateRoom`: new rooms of a burst go to the least loaded live processes. */
  readonly selectProcessIdToCreateRoom = (): Promise<string> => this.#load.pick();

  async boot(): Promise<void> {
    this.#load.start();
  }

  get #listingKey(): string {
    return `${this.#prefix}:listing`;
  }

  async has(roomId: string): Promise<boolean> {
    return (await this.#client.hexists(this.#listingKey, roomId)) === 1;
  }

  async query(conditions: Conditions, sortOptions?: SortOptions): Promise<IRoomCache[]> {
    const rooms = await this.#candidates(conditions);
    return sortRooms(rooms.filter((room) => matches(room, conditions)), sortOptions);
  }

  async findOne(conditions: Conditions, sortOptions?: SortOptions): Promise<IRoomCache> {
    return (await this.query(conditions, sortOptions))[0]!;
  }

  async findByIds(roomIds: string[]): Promise<Map<string, IRoomCache>> {
    const found = new Map<string, IRoomCache>();
    for (let i = 0; i < roomIds.length; i += PAGE) {
      const ids = roomIds.slice(i, i + PAGE);
      const rows = await this.#client.hmget(this.#listingKey, ...ids);
      rows.forEach((json, j) => {
        const room = parse(json);
        if (room) found.set(ids[j]!, room);
      });
    }
    return found;
  }

  async update(room: IRoomCache, operations: Operations): Promise<boolean> {
    applyOperations(room, operations);
    return this.#rewrite(room);
  }

  async insert(room: IRoomCache): Promise<boolean> {
    return this.#write(room, "insert");
  }

  async persist(room: IRoomCache, create = false): Promise<boolean> {
    if (!room.roomId) return false;
    return create ? this.#write(room, "create") : this.#rewrite(room);
  }

  async remove(roomId: string): Promise<boolean> {
    this.#indexed.delete(roomId);
    return (await this.#remove(this.#prefix, roomId)) === 1;
  }

  async cleanup(processId: string): Promise<void> {
    for (;;) {
      const removed = (await this.#removeProcess(this.#prefix, processId, PAGE)) as string[];
      for (const roomId of removed) this.#indexed.delete(roomId);
      if (removed.length < PAGE) return;
    }
  }

  /** Test support (Colyseus's `@colyseus/testing` calls it): forgets every listing under the prefix. */
  async clear(): Promise<void> {
    this.#indexed.clear();
    let cursor = "0";
    do {
      const [next, keys] = await this.#client.scan(cursor, "MATCH", `${this.#prefix}:*`, "COUNT", 1000);
      if (keys.length > 0) await this.#client.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  }

  async shutdown(): Promise<void> {
    if (this.#client.status === "end") return;
    await this.#load.stop();
    await this.#client.quit().catch(() => this.#client.disconnect());
  }

  /** The listings that can satisfy the conditions, read from the narrowest index. */
  async #candidates(conditions: Conditions): Promise<IRoomCache[]> {
    if (conditions.roomId !== undefined) {
      const room = parse(await this.#client.hget(this.#listingKey, conditions.roomId));
      return room ? [room] : [];
    }
    if (conditions.name !== undefined) {
      const index = asksForJoinable(conditions) ? "open" : "name";
      return this.#readWholeIndex(`${this.#prefix}:${index}:${conditions.name}`);
    }
    if (conditions.processId !== undefined) return this.#readWholeIndex(`${this.#prefix}:process:${conditions.processId}`);
    return this.#scanEverything();
  }

  async #readWholeIndex(index: string): Promise<IRoomCache[]> {
    const rooms: IRoomCache[] = [];
    for (let start = 0; ; start += PAGE) {
      const rows = (await this.#readIndex(index, this.#listingKey, start, PAGE)) as Array<string | null>;
      for (const json of rows) {
        const room = parse(json);
        if (room) rooms.push(room);
      }
      if (rows.length < PAGE) return rooms;
    }
  }

  /** Every listing, in pages: only for a query without name, process or id (the monitor's room list). */
  async #scanEverything(): Promise<IRoomCache[]> {
    const rooms: IRoomCache[] = [];
    let cursor = "0";
    do {
      const [next, flat] = await this.#client.hscan(this.#listingKey, cursor, "COUNT", PAGE);
      for (let i = 1; i < flat.length; i += 2) rooms.push(parse(flat[i])!);
      cursor = next;
    } while (cursor !== "0");
    return rooms;
  }

  async #write(room: IRoomCache, mode: "insert" | "create" | "update"): Promise<boolean> {
    const indexed: Indexed = { name: room.name ?? "", processId: room.processId ?? "", open: isJoinable(room) };
    if (mode !== "insert") this.#indexed.set(room.roomId, indexed);
    const written =
      (await this.#put(
        this.#prefix,
        mode,
        room.roomId,
        JSON.stringify(room),
        indexed.name,
        indexed.processId,
        indexed.open ? "1" : "0",
        createdAtScore(room),
      )) === 1;
    if (written) this.#indexed.set(room.roomId, indexed);
    else if (this.#indexed.get(room.roomId) === indexed) this.#indexed.delete(room.roomId);
    return written;
  }

  /** An existing listing written again: one HSET, plus the joinable index when that changed. */
  async #rewrite(room: IRoomCache): Promise<boolean> {
    const before = this.#indexed.get(room.roomId);
    if (!before || before.name !== (room.name ?? "") || before.processId !== (room.processId ?? "")) return this.#write(room, "update");
    const open = isJoinable(room);
    const change = open === before.open ? "" : open ? "open" : "closed";
    // decided before the round trip: writes of one connection run in the order they were sent
    before.open = open;
    const written = (await this.#update(this.#prefix, room.roomId, JSON.stringify(room), before.name, change, createdAtScore(room))) === 1;
    if (!written) this.#indexed.delete(room.roomId);
    return written;
  }
}

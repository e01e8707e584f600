import { initializeRoomCache, matchMaker, ServerError, type IRoomCache, type MatchMakerDriver, type SortOptions } from "@colyseus/core";
import type { Redis } from "ioredis";
import { applyOperations } from "./local-driver.ts";
import { asksForJoinable, createdAtScore, isJoinable, matches, sortRooms } from "./listing.ts";
import { ProcessLoad } from "./process-load.ts";
import {
  PUT_LISTING,
  READ_INDEX,
  READ_INDEXED_LISTINGS,
  REMOVE_KNOWN_LISTING,
  REMOVE_LISTING,
  REMOVE_PROCESS_LISTINGS,
  UPDATE_JOINABLE,
} from "./redis-scripts.ts";

type Conditions = Partial<IRoomCache> & Record<string, unknown>;
type Operations = Partial<{ $set: Partial<IRoomCache>; $inc: Partial<IRoomCache> }>;
type Script = (...args: Array<string | number>) => Promise<unknown>;

export const DEFAULT_ROOMS_PREFIX = "pairline:rooms";
/** Listings read or removed per round trip, so no single command moves an unbounded reply. */
const PAGE = 500;
/**
 * A rewrite that changes only a room's client count (what no lookup filters on: joinability is
 * `locked` and `private`) waits this long, so that a burst of joins and leaves is one write.
 */
const COUNT_WRITE_DELAY_MS = 1000;
/**
 * A lookup served from this process's memory first checks that Redis answers, with a PING
 * shared by every lookup of this long: a join, which needs Redis next, is refused (503) while
 * Redis is gone or frozen, as a lookup in Redis would be, for at most one PING per interval.
 */
const LIVENESS_MS = 100;
/** Rooms this driver removed lately: Colyseus removes a disposed room twice, the second time is answered here. */
const REMEMBERED_REMOVALS = 10_000;

/** How this driver last indexed a room it wrote, so that a plain update touches no index. */
interface Indexed {
  name: string;
  processId: string;
  open: boolean;
  /** In its name's index (not a name found by id only). */
  named: boolean;
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

/** True if the operations change the client count at most: every field set keeps its value. */
const changesCountOnly = (room: IRoomCache, { $set = {}, $inc = {} }: Operations): boolean =>
  Object.keys($inc).every((field) => field === "clients") &&
  Object.entries($set).every(([field, value]) => (room as unknown as Record<string, unknown>)[field] === value);


/**
 * Colyseus's match-maker driver on Redis, indexed by room name and process. A
 * `joinOrCreate("lobby")` reads the joinable lobby rooms only; a chat room is found by
 * its id and never scanned; the cleanup of a dead process reads that process's rooms
 * only. A change to where a room is indexed is one Lua script (atomic, one round trip);
 * a client joining or leaving is one HSET, within a second, for all the joins and leaves
 * of that second that left the room's joinability as it was.
 *
 * `persist(room)` without `create` and `update` rewrite a room this process listed (as
 * Colyseus's LocalDriver, unlike its RedisDriver, which lists any room it is given).
 *
 * Rooms of the names given as `servedHere` are made on the process that asks for one, and a
 * lookup of a joinable one reads that process's own listings (in memory, no Redis), opening
 * one here when there is none: a seat in them never crosses processes (no pub/sub request),
 * and they spread as the requests do.
 * Other names go to the least loaded live process (`ProcessLoad`).
 *
 * Rooms of the names given as `foundById` (private rooms handed out by seat reservation) are
 * in no name index: nothing looks them up by name, and a query by such a name reads every
 * listing, in pages, rather than every open and close of such a room paying two writes.
 */
export class NameIndexedRedisDriver implements MatchMakerDriver {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #listingKey: string;
  readonly #indexed = new Map<string, Indexed>();
  readonly #removed = new Set<string>();
  /** Client counts waiting to be written (`COUNT_WRITE_DELAY_MS`), by room id. */
  readonly #countWrites = new Map<string, NodeJS.Timeout>();
  /** Reads of an index in flight: joins arriving together share one. */
  readonly #reading = new Map<string, Promise<IRoomCache[]>>();
  readonly #load: ProcessLoad;
  readonly #servedHere: ReadonlySet<string>;
  readonly #foundById: ReadonlySet<string>;
  /** Listings of this process's rooms of a `servedHere` name, as Colyseus keeps them up to date. */
  readonly #here = new Map<string, IRoomCache>();
  #liveness: { at: number; answer: Promise<void> } | undefined;
  /** Rooms being opened on this process for lookups that found none, by name: the joins meanwhile share one. */
  readonly #opening = new Map<string, Promise<IRoomCache>>();
  readonly #readIndex: Script;
  readonly #readIndexed: Script;
  readonly #put: Script;
  readonly #updateJoinable: Script;
  readonly #remove: Script;
  readonly #removeKnown: Script;
  readonly #removeProcess: Script;

  constructor(client: Redis, options: { prefix?: string; reportEveryMs?: number; servedHere?: readonly string[]; foundById?: readonly string[] } = {}) {
    this.#client = client;
    this.#servedHere = new Set(options.servedHere);
    this.#foundById = new Set(options.foundById);
    this.#prefix = options.prefix ?? DEFAULT_ROOMS_PREFIX;
    this.#listingKey = `${this.#prefix}:listing`;
    this.#load = new ProcessLoad(client, this.#prefix, options.reportEveryMs);
    this.#readIndex = defineScript(client, "pairlineRoomsRead", READ_INDEX, 2);
    this.#readIndexed = defineScript(client, "pairlineRoomsReadIndexed", READ_INDEXED_LISTINGS);
    this.#put = defineScript(client, "pairlineRoomsPut", PUT_LISTING);
    this.#updateJoinable = defineScript(client, "pairlineRoomsUpdateJoinable", UPDATE_JOINABLE);
    this.#remove = defineScript(client, "pairlineRoomsRemove", REMOVE_LISTING);
    this.#removeKnown = defineScript(client, "pairlineRoomsRemoveKnown", REMOVE_KNOWN_LISTING);
    this.#removeProcess = defineScript(client, "pairlineRoomsRemoveProcess", REMOVE_PROCESS_LISTINGS);
  }

  /** For Colyseus's `selectProcessIdToCreateRoom`: this process for a `servedHere` name, else the least loaded live process. */
  readonly selectProcessIdToCreateRoom = async (roomName?: string): Promise<string> =>
    roomName !== undefined && this.#servedHere.has(roomName) && matchMaker.processId ? matchMaker.processId : this.#load.pick();
  /** Processes that stopped reporting and answer on no channel (see `ProcessLoad.silent`). */
  readonly silentProcesses = (): Promise<string[]> => this.#load.silent();
  readonly forgetProcess = (processId: string): Promise<void> => this.#load.forget(processId);

  async boot(): Promise<void> {
    this.#load.start();
  }

  async has(roomId: string): Promise<boolean> {
    return (await this.#client.hexists(this.#listingKey, roomId)) === 1;
  }

  /** A join's lookup (joinable rooms) leaves out the rooms of processes whose reports lapsed: the join would only time out. */
  async query(conditions: Conditions, sortOptions?: SortOptions): Promise<IRoomCache[]> {
    const joining = asksForJoinable(conditions);
    if (joining && typeof conditions.name === "string" && this.#servedHere.has(conditions.name) && conditions.roomId === undefined) {
      await this.#answering();
      const here = [...this.#here.values()].filter((room) => matches(room, conditions));
      return sortRooms(here.length > 0 ? here : [await this.#openHere(conditions.name)], sortOptions);
    }
    const rooms = await this.#candidates(conditions);
    return sortRooms(
      rooms.filter((room) => matches(room, conditions) && !(joining && this.#load.hasLapsed(room.processId))),
      sortOptions,
    );
  }

  async findOne(conditions: Conditions, sortOptions?: SortOptions): Promise<IRoomCache> {
    return (await this.query(conditions, sortOptions))[0]!;
  }

  /** Rooms by id, as their processes indexed them (a listing its process's index lost counts as missing). */
  async findByIds(roomIds: string[]): Promise<Map<string, IRoomCache>> {
    const found = new Map<string, IRoomCache>();
    for (let i = 0; i < roomIds.length; i += PAGE) {
      const rows = (await this.#readIndexed(this.#prefix, ...roomIds.slice(i, i + PAGE))) as string[];
      for (const json of rows) {
        const room = parse(json)!;
        found.set(room.roomId, room);
      }
    }
    return found;
  }

  async update(room: IRoomCache, operations: Operations): Promise<boolean> {
    const countOnly = changesCountOnly(room, operations);
    applyOperations(room, operations);
    if (!countOnly || !this.#indexed.has(room.roomId)) return this.#rewrite(room);
    this.#writeCountLater(room);
    return true;
  }

  async insert(room: IRoomCache): Promise<boolean> {
    return this.#write(room, "insert");
  }

  async persist(room: IRoomCache, create = false): Promise<boolean> {
    if (!room.roomId) return false;
    return create ? this.#write(room, "create") : this.#rewrite(room);
  }

  async remove(roomId: string): Promise<boolean> {
    this.#here.delete(roomId);
    const known = this.#indexed.get(roomId);
    this.#indexed.delete(roomId);
    this.#cancelCountWrite(roomId);
    if (!known && this.#removed.has(roomId)) return false;
    this.#rememberRemoval(roomId);
    const removed = known
      ? await this.#removeKnown(this.#prefix, roomId, known.name, known.processId, known.open ? "1" : "0", known.named ? "1" : "0")
      : await this.#remove(this.#prefix, roomId);
    return removed === 1;
  }

  async cleanup(processId: string): Promise<void> {
    for (;;) {
      const removed = (await this.#removeProcess(this.#prefix, processId, PAGE)) as string[];
      for (const roomId of removed) {
        this.#indexed.delete(roomId);
        this.#here.delete(roomId);
      }
      if (removed.length < PAGE) return;
    }
  }

  /** Test support (Colyseus's `@colyseus/testing` calls it): forgets every listing under the prefix. */
  async clear(): Promise<void> {
    this.#cancelCountWrites();
    this.#indexed.clear();
    this.#here.clear();
    this.#removed.clear();
    let cursor = "0";
    do {
      const [next, keys] = await this.#client.scan(cursor, "MATCH", `${this.#prefix}:*`, "COUNT", 1000);
      if (keys.length > 0) await this.#client.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  }

  async shutdown(): Promise<void> {
    this.#cancelCountWrites();
    if (this.#client.status === "end") return;
    await this.#load.stop();
    await this.#client.quit().catch(() => this.#client.disconnect());
  }

  /**
   * Opens a room here for a lookup that found none, instead of answering "none": Colyseus
   * would then take its create lock, a Redis lock shared by every process, whose waiters
   * join the room its holder opened, on whichever process that is.
   */
  #openHere(name: string): Promise<IRoomCache> {
    let opening = this.#opening.get(name);
    if (!opening) {
      opening = matchMaker.createRoom(name, {}).finally(() => this.#opening.delete(name));
      this.#opening.set(name, opening);
    }
    return opening;
  }

  #answering(now = Date.now()): Promise<void> {
    if (this.#liveness && now - this.#liveness.at <= LIVENESS_MS) return this.#liveness.answer;
    const answer = this.#client.ping().then(
      () => undefined,
      (error: unknown) => {
        throw new ServerError(503, `Matchmaking is not available right now (${String(error)})`);
      },
    );
    answer.catch(() => undefined);
    this.#liveness = { at: now, answer };
    return answer;
  }

  /** The listings that can satisfy the conditions, read from the narrowest index. */
  async #candidates(conditions: Conditions): Promise<IRoomCache[]> {
    if (conditions.roomId !== undefined) {
      const room = parse(await this.#client.hget(this.#listingKey, conditions.roomId));
      return room ? [room] : [];
    }
    if (conditions.name !== undefined) {
      const joinable = asksForJoinable(conditions);
      if (!joinable && this.#foundById.has(conditions.name)) return this.#scanEverything();
      return this.#readWholeIndex(`${this.#prefix}:${joinable ? "open" : "name"}:${conditions.name}`);
    }
    if (conditions.processId !== undefined) return this.#readWholeIndex(`${this.#prefix}:process:${conditions.processId}`);
    return this.#scanEverything();
  }

  #readWholeIndex(index: string): Promise<IRoomCache[]> {
    let reading = this.#reading.get(index);
    if (!reading) {
      reading = this.#readPages(index).finally(() => this.#reading.delete(index));
      this.#reading.set(index, reading);
    }
    return reading;
  }

  async #readPages(index: string): Promise<IRoomCache[]> {
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

  #indexOf(room: IRoomCache): Indexed {
    const name = room.name ?? "";
    return { name, processId: room.processId ?? "", open: isJoinable(room), named: !this.#foundById.has(name) };
  }

  async #write(room: IRoomCache, mode: "insert" | "create"): Promise<boolean> {
    const indexed = this.#indexOf(room);
    this.#removed.delete(room.roomId);
    this.#cancelCountWrite(room.roomId);
    if (mode === "create") this.#indexed.set(room.roomId, indexed);
    const written =
      (await this.#put(this.#prefix, mode, room.roomId, JSON.stringify(room), indexed.name, indexed.processId, indexed.open ? "1" : "0", createdAtScore(room), indexed.named ? "1" : "0")) === 1;
    if (written && mode === "insert") this.#indexed.set(room.roomId, indexed);
    if (written && this.#servedHere.has(indexed.name) && indexed.processId === matchMaker.processId) this.#here.set(room.roomId, room);
    return written;
  }

  /**
   * A room this process listed, written again: one HSET, plus the joinable index when that
   * changed (decided before the round trip: one connection's writes run in the order sent).
   */
  async #rewrite(room: IRoomCache): Promise<boolean> {
    const before = this.#indexed.get(room.roomId);
    if (!before) return false;
    const now = this.#indexOf(room);
    if (now.name !== before.name || now.processId !== before.processId) return this.#write(room, "create");
    this.#cancelCountWrite(room.roomId);
    const json = JSON.stringify(room);
    if (now.open === before.open) {
      await this.#client.hset(this.#listingKey, room.roomId, json);
    } else {
      before.open = now.open;
      await this.#updateJoinable(this.#prefix, room.roomId, json, now.name, now.open ? "open" : "closed", createdAtScore(room));
    }
    return true;
  }

  /** Writes the room as it will be in a moment (one HSET, as `#rewrite` would), unless it is written or removed meanwhile. */
  #writeCountLater(room: IRoomCache): void {
    if (this.#countWrites.has(room.roomId)) return;
    const timer = setTimeout(() => {
      this.#countWrites.delete(room.roomId);
      if (this.#indexed.has(room.roomId)) this.#client.hset(this.#listingKey, room.roomId, JSON.stringify(room)).catch(() => undefined);
    }, COUNT_WRITE_DELAY_MS);
    timer.unref();
    this.#countWrites.set(room.roomId, timer);
  }

  #cancelCountWrite(roomId: string): void {
    clearTimeout(this.#countWrites.get(roomId));
    this.#countWrites.delete(roomId);
  }

  #cancelCountWrites(): void {
    for (const timer of this.#countWrites.values()) clearTimeout(timer);
    this.#countWrites.clear();
  }

  #rememberRemoval(roomId: string): void {
    this.#removed.add(roomId);
    if (this.#removed.size > REMEMBERED_REMOVALS) this.#removed.delete(this.#removed.values().next().value!);
  }
}

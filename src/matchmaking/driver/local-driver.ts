import type { IRoomCache, MatchMakerDriver, SortOptions } from "@colyseus/core";
import { matches, sortRooms } from "./listing.ts";

type Conditions = Partial<IRoomCache> & Record<string, unknown>;
type Operations = Partial<{ $set: Partial<IRoomCache>; $inc: Partial<IRoomCache> }>;

function addTo(index: Map<string, Map<string, IRoomCache>>, key: string, room: IRoomCache): void {
  let rooms = index.get(key);
  if (!rooms) index.set(key, (rooms = new Map()));
  rooms.set(room.roomId, room);
}

function removeFrom(index: Map<string, Map<string, IRoomCache>>, key: string, roomId: string): void {
  const rooms = index.get(key);
  if (!rooms) return;
  rooms.delete(roomId);
  if (rooms.size === 0) index.delete(key);
}

/** Applies a Colyseus update to the listing itself, as Colyseus's drivers do (rooms hold on to that object). */
export function applyOperations(room: IRoomCache, operations: Operations): void {
  Object.assign(room, operations.$set ?? {});
  for (const [field, by] of Object.entries(operations.$inc ?? {})) {
    (room as unknown as Record<string, number>)[field] = ((room as unknown as Record<string, number>)[field] ?? 0) + Number(by);
  }
}

/**
 * Room listings of one process, indexed by room id, room name and process: a lobby
 * lookup reads the lobby rooms only, however many chats are open, and a room is found
 * by its id without a scan. Rooms of one name come in the order they were listed
 * (oldest first), as with Colyseus's LocalDriver.
 */
export class NameIndexedLocalDriver implements MatchMakerDriver {
  readonly #rooms = new Map<string, IRoomCache>();
  /** Where each room is indexed, which may differ from its listing's fields until it is written again. */
  readonly #indexedAs = new Map<string, { name: string; processId: string }>();
  readonly #byName = new Map<string, Map<string, IRoomCache>>();
  readonly #byProcess = new Map<string, Map<string, IRoomCache>>();

  has(roomId: string): boolean {
    return this.#rooms.has(roomId);
  }

  query(conditions: Conditions, sortOptions?: SortOptions): IRoomCache[] {
    return sortRooms(
      this.#candidates(conditions).filter((room) => matches(room, conditions)),
      sortOptions,
    );
  }

  async findOne(conditions: Conditions, sortOptions?: SortOptions): Promise<IRoomCache> {
    return this.query(conditions, sortOptions)[0]!;
  }

  async findByIds(roomIds: string[]): Promise<Map<string, IRoomCache>> {
    const found = new Map<string, IRoomCache>();
    for (const roomId of roomIds) {
      const room = this.#rooms.get(roomId);
      if (room) found.set(roomId, room);
    }
    return found;
  }

  update(room: IRoomCache, operations: Operations): boolean {
    applyOperations(room, operations);
    if (this.#rooms.has(room.roomId)) this.#index(room);
    return true;
  }

  async insert(room: IRoomCache): Promise<boolean> {
    if (this.#rooms.has(room.roomId)) return false;
    this.#index(room);
    return true;
  }

  persist(room: IRoomCache, create = false): boolean {
    if (!room.roomId || (!create && !this.#rooms.has(room.roomId))) return false;
    this.#index(room);
    return true;
  }

  remove(roomId: string): boolean {
    const where = this.#indexedAs.get(roomId);
    if (!where) return false;
    this.#rooms.delete(roomId);
    this.#indexedAs.delete(roomId);
    removeFrom(this.#byName, where.name, roomId);
    removeFrom(this.#byProcess, where.processId, roomId);
    return true;
  }

  async cleanup(processId: string): Promise<void> {
    for (const roomId of [...(this.#byProcess.get(processId)?.keys() ?? [])]) this.remove(roomId);
  }

  clear(): void {
    this.#rooms.clear();
    this.#indexedAs.clear();
    this.#byName.clear();
    this.#byProcess.clear();
  }

  shutdown(): void {}

  /** The fewest rooms that can satisfy the conditions: one by id, those of a name or of a process, else all. */
  #candidates(conditions: Conditions): IRoomCache[] {
    if (conditions.roomId !== undefined) {
      const room = this.#rooms.get(conditions.roomId);
      return room ? [room] : [];
    }
    if (conditions.name !== undefined) return [...(this.#byName.get(conditions.name)?.values() ?? [])];
    if (conditions.processId !== undefined) return [...(this.#byProcess.get(conditions.processId)?.values() ?? [])];
    return [...this.#rooms.values()];
  }

  #index(room: IRoomCache): void {
    const name = room.name ?? "";
    const processId = room.processId ?? "";
    const before = this.#indexedAs.get(room.roomId);
    if (before && before.name !== name) removeFrom(this.#byName, before.name, room.roomId);
    if (before && before.processId !== processId) removeFrom(this.#byProcess, before.processId, room.roomId);
    this.#rooms.set(room.roomId, room);
    this.#indexedAs.set(room.roomId, { name, processId });
    addTo(this.#byName, name, room);
    addTo(this.#byProcess, processId, room);
  }
}

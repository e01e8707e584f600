import type { Presence } from "@colyseus/core";

const TOTALS_KEY = "pairline:chats:totals";
/** processId → "rooms,people": what each process last added to the totals, taken back when it is gone. */
const BY_PROCESS_KEY = "pairline:chats:by-process";
const FLUSH_EVERY_MS = 1000;

interface ChatRoomLike {
  clients: { length: number };
}

interface RoomEvents {
  on(event: "create" | "dispose" | "join" | "leave", listener: (room: ChatRoomLike) => void): unknown;
}

const figures = (raw: string | null | undefined): [number, number] => {
  const [rooms, people] = (raw ?? "0,0").split(",").map(Number);
  return [rooms || 0, people || 0];
};

/**
 * Live chat rooms and the people in them, across processes, read in O(1): each
 * process adds the change of its own figures to shared totals, at most once a second
 * and only after a change; a process found dead (or shut down) has its part taken back.
 */
export class LiveChats {
  readonly #presence: Presence;
  readonly #processId: () => string;
  readonly #rooms = new Set<ChatRoomLike>();
  #flushed = "0,0";
  #lastFlushAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(presence: Presence, processId: () => string) {
    this.#presence = presence;
    this.#processId = processId;
  }

  /** Follows the chat rooms of this process through their handler's events. */
  watch(handler: RoomEvents): void {
    handler.on("create", (room) => (this.#rooms.add(room), this.#changed()));
    handler.on("dispose", (room) => (this.#rooms.delete(room), this.#changed()));
    handler.on("join", () => this.#changed());
    handler.on("leave", () => this.#changed());
  }

  async count(): Promise<{ rooms: number; people: number }> {
    const [rooms, people] = await Promise.all([this.#presence.hget(TOTALS_KEY, "rooms"), this.#presence.hget(TOTALS_KEY, "people")]);
    return { rooms: Math.max(0, Number(rooms ?? 0)), people: Math.max(0, Number(people ?? 0)) };
  }

  /** Writes this process's figures now (when they changed since the last write). */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.catch(() => undefined).then(async () => {
      const people = [...this.#rooms].reduce((sum, room) => sum + room.clients.length, 0);
      const now = `${this.#rooms.size},${people}`;
      this.#lastFlushAt = Date.now();
      if (now === this.#flushed) return;
      await this.#move(this.#processId(), now);
      this.#flushed = now;
    });
    return this.#flushing;
  }

  /** Takes back what a dead process added; only the first of several processes doing so at once does. */
  async forget(processId: string): Promise<void> {
    const added = await this.#presence.hget(BY_PROCESS_KEY, processId);
    if (added === null || !(await this.#presence.hdel(BY_PROCESS_KEY, processId))) return;
    await this.#add(figures(added), -1);
  }

  /** Forgets every process not among `live` (one field per process is read: what Colyseus's own process list costs). */
  async keepOnly(live: readonly string[]): Promise<void> {
    const known = Object.keys((await this.#presence.hgetall(BY_PROCESS_KEY)) ?? {});
    const alive = new Set([...live, this.#processId()]);
    await Promise.all(known.filter((id) => !alive.has(id)).map((id) => this.forget(id)));
  }

  /** Stops writing and takes this process's part out of the totals (its rooms are gone). */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#flushing.catch(() => undefined);
    await this.forget(this.#processId());
    this.#flushed = "0,0";
  }

  /** The owner is the only writer of its field, so reading it and writing the difference cannot race. */
  async #move(processId: string, now: string): Promise<void> {
    const before = figures(await this.#presence.hget(BY_PROCESS_KEY, processId));
    const after = figures(now);
    await this.#presence.hset(BY_PROCESS_KEY, processId, now);
    await this.#add([after[0] - before[0], after[1] - before[1]], 1);
  }

  async #add([rooms, people]: [number, number], sign: 1 | -1): Promise<void> {
    await Promise.all([
      rooms !== 0 ? this.#presence.hincrby(TOTALS_KEY, "rooms", sign * rooms) : undefined,
      people !== 0 ? this.#presence.hincrby(TOTALS_KEY, "people", sign * people) : undefined,
    ]);
  }

  #changed(): void {
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastFlushAt + FLUSH_EVERY_MS - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch(() => this.#changed());
    }, wait);
    this.#timer.unref();
  }
}

import type { IRoomCache, SortOptions } from "@colyseus/core";

/** A listing's fields and metadata that a query may filter or sort on. */
type Conditions = Partial<IRoomCache> & Record<string, unknown>;

const own = (object: object | undefined, field: string): boolean => object !== undefined && object !== null && Object.hasOwn(object, field);

/** The value a query sees for `field`: the listing's own field, else its metadata's (Colyseus's rule). */
function valueOf(room: IRoomCache, field: string): { found: boolean; value: unknown } {
  if (own(room, field)) return { found: true, value: (room as unknown as Record<string, unknown>)[field] };
  const metadata = room.metadata as Record<string, unknown> | undefined;
  if (own(metadata, field)) return { found: true, value: metadata![field] };
  return { found: false, value: undefined };
}

/** True if every condition holds; a field the listing does not have fails the match, as in Colyseus's drivers. */
export function matches(room: IRoomCache, conditions: Conditions): boolean {
  for (const [field, expected] of Object.entries(conditions)) {
    const { found, value } = valueOf(room, field);
    if (!found || value !== expected) return false;
  }
  return true;
}

const ascending = (direction: SortOptions[string]) => direction === 1 || direction === "asc" || direction === "ascending";

/** Sorts in place by each field in turn (listing field or metadata); rooms equal on all keep their order. */
export function sortRooms<T extends IRoomCache>(rooms: T[], sort?: SortOptions): T[] {
  const order = Object.entries(sort ?? {});
  if (order.length === 0) return rooms;
  return rooms.sort((a, b) => {
    for (const [field, direction] of order) {
      const x = valueOf(a, field).value as any;
      const y = valueOf(b, field).value as any;
      if (x === y) continue;
      const sign = ascending(direction) ? 1 : -1;
      if (x > y) return sign;
      if (x < y) return -sign;
    }
    return 0;
  });
}

/** Rooms a `joinOrCreate`/`join` may place someone in, which is what a by-name lookup asks for. */
export const isJoinable = (room: Pick<IRoomCache, "locked" | "private">): boolean => !room.locked && !room.private;

/** True if the query is Colyseus's "an available room of this name" (`locked: false, private: false`). */
export const asksForJoinable = (conditions: Conditions): boolean => conditions.locked === false && conditions.private === false;

/** Creation time as a sortable number: indexes keep rooms oldest first, the order Colyseus's drivers return. */
export const createdAtScore = (room: IRoomCache): number => {
  const time = room.createdAt ? new Date(room.createdAt).getTime() : NaN;
  return Number.isFinite(time) ? time : 0;
};

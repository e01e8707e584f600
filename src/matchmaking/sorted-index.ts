import { OrderedSet } from "js-sdsl";

type Item = [score: number, id: string];
const byScoreThenId = (x: Item, y: Item) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);

/** Ids ordered by a score, as a Redis sorted set: add, remove and ranges in O(log n). */
export class SortedIndex {
  readonly #items = new OrderedSet<Item>([], byScoreThenId, true);
  readonly #scores = new Map<string, number>();

  get size(): number {
    return this.#scores.size;
  }

  add(id: string, score: number): void {
    this.remove(id);
    this.#scores.set(id, score);
    this.#items.insert([score, id]);
  }

  remove(id: string): boolean {
    const score = this.#scores.get(id);
    if (score === undefined) return false;
    this.#scores.delete(id);
    this.#items.eraseElementByKey([score, id]);
    return true;
  }

  /** The id's position, lowest score first; undefined if absent. */
  rank(id: string): number | undefined {
    const score = this.#scores.get(id);
    return score === undefined ? undefined : this.#items.find([score, id]).index;
  }

  /** Up to `limit` ids from position `offset`, lowest score first. */
  range(offset: number, limit: number): string[] {
    const ids: string[] = [];
    for (let i = offset; i < Math.min(this.size, offset + limit); i++) ids.push(this.#items.getElementByPos(i)[1]);
    return ids;
  }

  /** Up to `limit` ids whose score is at most `max`, lowest first. */
  upTo(max: number, limit: number): string[] {
    const ids: string[] = [];
    for (const [score, id] of this.#items) {
      if (score > max || ids.length >= limit) break;
      ids.push(id);
    }
    return ids;
  }
}

/**
 * The baselines' one matching rule, so that a skip leads to a *next* stranger as in
 * Pairline: two users who just chatted are not paired again at once (Pairline keeps
 * them apart for REMATCH_COOLDOWN; here only the last partner is remembered).
 */
export class LastPartners {
  readonly #last = new Map<string, string>();

  /** Takes out of `waiting` the first one `userId` may be paired with. */
  takePartner<T>(waiting: T[], userId: string, idOf: (entry: T) => string): T | undefined {
    const last = this.#last.get(userId);
    const index = waiting.findIndex((entry) => idOf(entry) !== last && idOf(entry) !== userId);
    return index < 0 ? undefined : waiting.splice(index, 1)[0];
  }

  paired(a: string, b: string): void {
    this.#last.set(a, b);
    this.#last.set(b, a);
  }
}

/** Allows `perMinute` events per minute on average, in bursts of up to `perMinute`; no allocation per event. */
export class TokenBucket {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  #tokens: number;
  #updatedAt: number;

  constructor(perMinute: number, now = Date.now()) {
    this.#capacity = perMinute;
    this.#refillPerMs = perMinute / 60_000;
    this.#tokens = perMinute;
    this.#updatedAt = now;
  }

  take(now = Date.now()): boolean {
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#updatedAt) * this.#refillPerMs);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

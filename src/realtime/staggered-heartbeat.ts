import type WebSocket from "ws";

/** How often a slice of the connections is pinged. */
export const HEARTBEAT_TICK_MS = 100;

/** A connection as the ws transport keeps it (pings sent since its last pong), and whether it sent a message since its last turn. */
type Pinged = WebSocket & { pingCount: number; heardSincePing?: boolean };
const noop = () => undefined;

/** The client sent a message: it is alive, so its next turn needs no ping. */
export function heardFrom(socket: WebSocket): void {
  (socket as Pinged).heardSincePing = true;
}

/**
 * The ws transport's heartbeat, spread over its interval: every connection is still
 * pinged once per `intervalMs` and cut off when `maxRetries` pings went unanswered (the
 * transport resets the count on each pong), but each tick pings only its share of the
 * connections there were when the round began. Pinging all of them in one turn is a
 * socket write each: with thousands of clients that turn held every message back for
 * tens of milliseconds, every interval. A connection that sent a message since its
 * last turn (`heardFrom`) answered as well as a pong would: it is not pinged this time.
 */
export class StaggeredHeartbeat {
  readonly tickMs: number;
  readonly #clients: Set<WebSocket>;
  readonly #ticksPerRound: number;
  readonly #maxRetries: number;
  #round: WebSocket[] = [];
  #next = 0;
  #perTick = 0;

  constructor(clients: Set<WebSocket>, intervalMs: number, maxRetries: number) {
    this.#clients = clients;
    this.#maxRetries = maxRetries;
    this.#ticksPerRound = Math.max(1, Math.round(intervalMs / HEARTBEAT_TICK_MS));
    this.tickMs = intervalMs / this.#ticksPerRound;
  }

  start(): NodeJS.Timeout {
    return setInterval(() => this.tick(), this.tickMs);
  }

  tick(): void {
    if (this.#next >= this.#round.length) {
      this.#round = [...this.#clients];
      this.#next = 0;
      this.#perTick = Math.ceil(this.#round.length / this.#ticksPerRound);
    }
    const end = Math.min(this.#round.length, this.#next + this.#perTick);
    for (; this.#next < end; this.#next++) {
      const client = this.#round[this.#next] as Pinged;
      if (!this.#clients.has(client)) continue;
      if (client.heardSincePing) {
        client.heardSincePing = false;
        client.pingCount = 0;
        continue;
      }
      if (client.pingCount >= this.#maxRetries) {
        client.terminate();
        continue;
      }
      client.pingCount++;
      client.ping(noop);
    }
    if (this.#next >= this.#round.length) this.#round = [];
  }
}

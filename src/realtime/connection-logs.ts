import type { Logger } from "../logger/index.ts";

/** Lines one connection may have logged per window; past them, one summary line says how many were dropped. */
const LOG_LINES_PER_CONNECTION = 20;
const LOG_WINDOW_MS = 60_000;

interface Budget {
  used: number;
  dropped: number;
  windowEnds: number;
}

/**
 * Bounds what one connection can make the server write to its log: a client sending
 * a malformed frame in a loop would otherwise write a stack trace per frame. Whatever
 * is logged while one of its frames is being handled, or about it, counts against its
 * budget; logs that belong to no connection pass untouched.
 */
export class ConnectionLogs {
  readonly #logger: Logger;
  readonly #budgets = new WeakMap<object, Budget>();
  #current: object | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Handles one frame of `connection`: what it logs counts against that connection. */
  during<T>(connection: object, handle: () => T): T {
    const outer = this.#current;
    this.#current = connection;
    try {
      return handle();
    } finally {
      this.#current = outer;
    }
  }

  /** Writes a line (through `write`) unless the connection it comes from has used its budget. */
  write(write: () => void, connection: object | undefined = this.#current): void {
    if (!connection) return write();
    const now = Date.now();
    let budget = this.#budgets.get(connection);
    if (!budget || now >= budget.windowEnds) {
      if (budget) this.#summarize(budget);
      budget = { used: 0, dropped: 0, windowEnds: now + LOG_WINDOW_MS };
      this.#budgets.set(connection, budget);
    }
    if (budget.used < LOG_LINES_PER_CONNECTION) {
      budget.used += 1;
      write();
    } else {
      budget.dropped += 1;
    }
  }

  /** The connection is gone: say what it had dropped since the last summary. */
  closed(connection: object): void {
    const budget = this.#budgets.get(connection);
    if (budget) this.#summarize(budget);
    this.#budgets.delete(connection);
  }

  #summarize(budget: Budget): void {
    if (budget.dropped === 0) return;
    this.#logger.warn("Dropped log lines from one connection", { dropped: budget.dropped, perWindow: LOG_LINES_PER_CONNECTION, windowMs: LOG_WINDOW_MS });
    budget.dropped = 0;
  }

  /** Colyseus's logger (it logs a stack trace per undecodable frame), routed through Pairline's under these budgets. */
  colyseusLogger() {
    const at =
      (level: "debug" | "info" | "warn" | "error") =>
      (...args: unknown[]) =>
        this.write(() => this.#logger.log(level, args.map((arg) => (arg instanceof Error ? (arg.stack ?? arg.message) : String(arg))).join(" ")));
    return { debug: at("debug"), trace: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  }
}

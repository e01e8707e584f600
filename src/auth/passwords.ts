import bcrypt from "bcryptjs";
import { Piscina } from "piscina";
import { Errors } from "../errors/index.ts";
import type { PasswordTask } from "./password-worker.ts";

/** bcrypt only reads the first 72 bytes of a password; longer ones are refused rather than silently cut. */
export const MAX_PASSWORD_BYTES = 72;

/** Seconds a client refused because every hashing thread is busy is told to wait. */
const BUSY_RETRY_AFTER_SECONDS = 2;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string | null): Promise<boolean>;
  close(): Promise<void>;
}

export interface PasswordPoolOptions {
  /** Worker threads running bcrypt. */
  threads: number;
  /** Hashes that may wait for a thread; one more is refused at once (503, Retry-After). */
  queue: number;
}

/**
 * bcrypt in a pool of worker threads: a burst of logins costs threads, never the
 * event loop that relays every chat. The wait is bounded: past `queue` waiting
 * hashes, a request is refused at once rather than queued for seconds. No thread runs
 * until the first hash: an idle thread holds about 28 MB of RSS, and most processes
 * (guests only) never hash; the first hash after a quiet minute pays the thread's start.
 */
export function createPasswordHasher(cost: number, options: PasswordPoolOptions): PasswordHasher {
  const pool = new Piscina<PasswordTask, string | boolean>({
    filename: new URL("./password-worker.ts", import.meta.url).href,
    minThreads: 0,
    maxThreads: options.threads,
    maxQueue: options.queue,
    idleTimeout: 60_000,
  });
  const run = async <T extends string | boolean>(task: PasswordTask): Promise<T> => {
    try {
      return (await pool.run(task)) as T;
    } catch (error) {
      if (error instanceof Error && /queue is at limit/i.test(error.message)) {
        throw Errors.busy("Too many sign-ins at once; try again shortly", BUSY_RETRY_AFTER_SECONDS);
      }
      throw error;
    }
  };
  // Compared against when the account does not exist, so that a wrong email
  // costs as much time as a wrong password and reveals nothing.
  const decoy = bcrypt.hashSync("decoy-password-never-matches", cost);
  return {
    hash: (password) => run<string>({ op: "hash", password, cost }),
    async verify(password, hash) {
      if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) return false;
      const matches = await run<boolean>({ op: "compare", password, hash: hash ?? decoy });
      return matches && hash !== null;
    },
    close: () => pool.destroy(),
  };
}

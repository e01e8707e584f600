import { Piscina } from "piscina";
import type { Config } from "../config/index.ts";
import { Errors } from "../errors/index.ts";
import { SCREENABLE_TYPES } from "./pixels.ts";
import type { ScreenOutcome, ScreenTask } from "./screen-worker.ts";

/** Seconds a client refused because the screening queue is full is told to wait. */
const SCREENING_RETRY_AFTER_SECONDS = 2;
/** The classes of nsfwjs whose probabilities add up to an image's score. */
const SENSITIVE_CLASSES = ["Porn", "Hentai", "Sexy"];

export interface ScreeningVerdict {
  /** Porn + Hentai + Sexy, 0 to 1; null when the image could not be classified. */
  score: number | null;
  /** The score reached the threshold, or the image could not be screened (an unscreened image is never shown as safe). */
  sensitive: boolean;
}

export interface ImageScreener {
  /** Null for what is not an image, or when screening is off. Throws a 503 (Retry-After) when the queue is full. */
  screen(path: string, mime: string): Promise<ScreeningVerdict | null>;
  close(): Promise<void>;
}

/**
 * Images classified by nsfwjs in a pool of worker threads, with a bounded wait: past
 * `queue` waiting images an upload is refused at once rather than held for seconds.
 * Threads start with the first image and stop when idle, so a process that sees no
 * image pays nothing for the model.
 */
export function createImageScreener(options: Config["screening"]): ImageScreener {
  if (options.policy === "off") return { screen: async () => null, close: async () => undefined };
  const pool = new Piscina<ScreenTask, ScreenOutcome>({
    filename: new URL("./screen-worker.ts", import.meta.url).href,
    minThreads: 0,
    maxThreads: options.threads,
    maxQueue: options.queue,
    idleTimeout: 60_000,
  });
  return {
    async screen(path, mime) {
      if (!mime.startsWith("image/")) return null;
      if (!SCREENABLE_TYPES.has(mime)) return { score: null, sensitive: true };
      let outcome: ScreenOutcome;
      try {
        outcome = await pool.run({ path, mime });
      } catch (error) {
        if (error instanceof Error && /queue is at limit/i.test(error.message)) {
          throw Errors.busy("Too many images are being screened; try again shortly", SCREENING_RETRY_AFTER_SECONDS);
        }
        throw error;
      }
      if ("unreadable" in outcome) return { score: null, sensitive: true };
      const score = SENSITIVE_CLASSES.reduce((sum, name) => sum + (outcome.scores[name] ?? 0), 0);
      return { score, sensitive: score >= options.threshold };
    },
    close: () => pool.destroy(),
  };
}

import type { Logger } from "../logger/index.ts";
import type { UploadStore } from "./store.ts";

export interface Sweeper {
  /** Resolves once the current sweep, if any, has finished. */
  stop(): Promise<void>;
}

/**
 * Deletes uploads older than the longest a chat can last, once now and then on a
 * timer: whatever a crash or a lost dispose left behind does not stay for ever.
 */
export function startSweeper(
  store: UploadStore,
  options: { maxAgeMs: number; intervalMs: number },
  logger: Logger,
): Sweeper {
  let running: Promise<void> = Promise.resolve();
  const sweep = () => {
    running = running.then(async () => {
      try {
        const deleted = await store.deleteCreatedBefore(new Date(Date.now() - options.maxAgeMs));
        if (deleted > 0) logger.info("Swept expired uploads", { deleted });
      } catch (error) {
        logger.error("Upload sweep failed", { stack: error instanceof Error ? error.stack : String(error) });
      }
    });
  };
  sweep();
  const timer = setInterval(sweep, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

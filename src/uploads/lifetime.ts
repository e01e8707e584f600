import path from "node:path";
import type { Config } from "../config/index.ts";
import type { Logger } from "../logger/index.ts";
import { sweepStaging } from "./staging.ts";
import type { UploadRecord, UploadStore } from "./store.ts";
import { startSweeper } from "./sweeper.ts";

/**
 * Who deletes an upload. The owner is the end of its chat: the chat room calls
 * `chatEnded` when it is disposed. Every other deletion is a safety net for when that
 * call never comes (a crashed process never disposes its rooms) or came too early:
 * - `POST /api/uploads` deletes what it stored if the chat ended while it was saving;
 * - `GET /api/uploads/:id` deletes a chat's uploads once its members are forgotten
 *   (its room's process died; the membership expired after `chatLifetimeSeconds`);
 * - the sweeper deletes uploads older than the longest a chat can last;
 * - the Redis store's keys expire after that same time, even with no process left;
 * - the staging cleanup removes, at start, files a stopped process was receiving
 *   (a request's own staged file is removed when the request ends, in `incoming.ts`).
 */
export interface ChatUploads {
  /** The longest a chat can last: what is kept for a chat lives no longer. */
  readonly chatLifetimeSeconds: number;
  get(id: string): Promise<UploadRecord | null>;
  /** The chat is over for good: its uploads go with it. */
  chatEnded(roomId: string): Promise<void>;
}

export interface UploadLifetime extends ChatUploads {
  /** Stops the safety nets; resolves once a sweep under way has finished. */
  stop(): Promise<void>;
}

/** Far longer than any request may take (the server cuts them at 60 s): staged files this old are leftovers, whoever staged them. */
const STALE_STAGING_MS = 60 * 60 * 1000;

/** Where uploads are received before they are checked and stored. */
export function stagingRoot(config: Pick<Config, "uploads">): string {
  return path.join(config.uploads.dir, "incoming");
}

/** Owns the deletion of `store`'s uploads and starts its safety nets. */
export function manageUploadLifetime(store: UploadStore, config: Pick<Config, "uploads">, logger: Logger): UploadLifetime {
  const { maxAgeMs, sweepIntervalMs } = config.uploads;
  const sweeper = startSweeper(store, { maxAgeMs, intervalMs: sweepIntervalMs }, logger);
  const staging = sweepStaging(stagingRoot(config), STALE_STAGING_MS).catch((error: unknown) => {
    logger.warn("Could not clear stale staged uploads", { error: String(error) });
  });
  return {
    chatLifetimeSeconds: Math.ceil(maxAgeMs / 1000),
    get: (id) => store.get(id),
    async chatEnded(roomId) {
      await store.deleteRoom(roomId);
    },
    async stop() {
      await Promise.all([sweeper.stop(), staging]);
    },
  };
}

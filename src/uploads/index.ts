import type { Config } from "../config/index.ts";
import { DiskUploadStore } from "./disk-store.ts";
import type { UploadStore } from "./store.ts";

/** The one place that decides which upload store this process uses. */
export async function openUploadStore(config: Config): Promise<UploadStore> {
  return DiskUploadStore.open(config.uploads.dir, {
    maxFiles: config.uploads.roomMaxFiles,
    maxBytes: config.uploads.roomMaxBytes,
  });
}

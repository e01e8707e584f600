import fs from "node:fs";
import { DiskUploadStore } from "../../src/uploads/disk-store.ts";
import { tempDir } from "../helpers/server.ts";
import { uploadStoreContract } from "./upload-store.contract.ts";

describe("UploadStore contract: disk", () => {
  const dir = tempDir("pairline-uploads-");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  uploadStoreContract((quota) => DiskUploadStore.open(dir, quota));
});

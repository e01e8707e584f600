import type { UploadRecord } from "./store.ts";

/** What a client learns of an upload: the answer to the upload, and what the partner receives. */
export interface UploadDescription {
  fileId: string;
  name: string;
  mime: string;
  size: number;
  duration?: number;
}

export function describeUpload(record: UploadRecord): UploadDescription {
  return {
    fileId: record.id,
    name: record.name,
    mime: record.mime,
    size: record.size,
    ...(record.duration === null ? {} : { duration: record.duration }),
  };
}

import type { UploadRecord } from "./store.ts";

/** What a client learns of an upload: the answer to the upload, and what the partner receives. */
export interface UploadDescription {
  fileId: string;
  name: string;
  mime: string;
  size: number;
  duration?: number;
  /** Set on an image the screening flagged: show it blurred until the user asks to see it. */
  sensitive?: true;
}

export function describeUpload(record: UploadRecord): UploadDescription {
  return {
    fileId: record.id,
    name: record.name,
    mime: record.mime,
    size: record.size,
    ...(record.duration === null ? {} : { duration: record.duration }),
    ...(record.sensitive ? { sensitive: true as const } : {}),
  };
}

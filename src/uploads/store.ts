import type { Readable } from "node:stream";

/** One shared file or voice note. It belongs to one chat room and lives no longer than it. */
export interface UploadRecord {
  id: string;
  roomId: string;
  ownerId: string;
  /** A display label only, already sanitised; never used as a path. */
  name: string;
  /** The type read from the bytes, without parameters. */
  mime: string;
  size: number;
  /** Seconds, measured from the audio; voice notes only. */
  duration: number | null;
  /** Images the screening flagged (or could not screen): the partner's page blurs them until tapped. */
  sensitive?: boolean;
  createdAt: Date;
}

export type NewUpload = Omit<UploadRecord, "id" | "createdAt">;

/** How much one chat may store at once. */
export interface UploadQuota {
  maxFiles: number;
  maxBytes: number;
}

export interface ByteRange {
  start: number;
  /** Inclusive, as in HTTP `Range`. */
  end: number;
}

/**
 * What the rest of Pairline knows about upload storage. Every implementation passes
 * the contract suite in `tests/contract`. Ids are random and unguessable.
 */
export interface UploadStore {
  /**
   * Stores `upload.size` bytes read from `content` under a fresh id. Throws
   * `Errors.uploadQuotaExceeded()` when the room would exceed its quota, and stores
   * nothing when `content` fails or does not hold exactly `upload.size` bytes.
   */
  save(upload: NewUpload, content: Readable): Promise<UploadRecord>;
  get(id: string): Promise<UploadRecord | null>;
  /** The bytes of an upload, or of one range of them; null when it is gone. */
  read(id: string, range?: ByteRange): Promise<Readable | null>;
  delete(id: string): Promise<boolean>;
  /** Deletes every upload of a room; returns how many. */
  deleteRoom(roomId: string): Promise<number>;
  /** Deletes every upload created before `cutoff`, with any leftovers of interrupted writes; returns how many. */
  deleteCreatedBefore(cutoff: Date): Promise<number>;
  usage(roomId: string): Promise<{ files: number; bytes: number }>;
  close(): Promise<void>;
}

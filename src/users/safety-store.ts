import type { SignedFields } from "./message-signature.ts";

export const REPORT_CATEGORIES = ["spam", "harassment", "nudity", "underage", "violence", "other"] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

/** A relayed chat message as the reporter received it, server signature included. */
export interface ReportedMessage extends SignedFields {
  signature: string;
}

export interface Report {
  id: string;
  reporterId: string;
  reportedId: string;
  category: ReportCategory;
  reason: string | null;
  messages: ReportedMessage[];
  roomId: string | null;
  /** Where the report came from, so that one address or device counts once toward a ban. */
  reporterIp: string | null;
  /** The device the reporter used last, when they recorded one. */
  reporterDeviceId: string | null;
  createdAt: Date;
}

/** Who filed a report carrying evidence: what tells independent reporters apart. */
export type ReporterMark = Pick<Report, "reporterId" | "reporterIp" | "reporterDeviceId">;

export type NewReport = Omit<Report, "id" | "createdAt">;

export interface Ban {
  userId: string;
  until: Date;
  reason: string;
  /** `reports` when the report threshold banned the user, otherwise the admin's name. */
  by: string;
  createdAt: Date;
}

/** A user matched only with others of the shadow pool, until `until`. */
export interface ShadowedUser {
  userId: string;
  since: Date;
  until: Date;
}

export interface Device {
  userId: string;
  deviceId: string;
  userAgent: string | null;
  ip: string | null;
  country: string | null;
}

/**
 * Blocks, reports, bans and devices: what keeps strangers safe. Every
 * implementation passes the contract suite in `tests/contract`.
 */
export interface SafetyStore {
  /** Idempotent. */
  block(blockerId: string, blockedId: string): Promise<void>;
  unblock(blockerId: string, blockedId: string): Promise<boolean>;
  /** Everyone this user blocked or was blocked by. */
  blockedEitherWay(userId: string): Promise<string[]>;
  addReport(report: NewReport): Promise<Report>;
  reportsAgainst(userId: string): Promise<Report[]>;
  /** Reports filed by this user, newest first, at most `limit`. */
  reportsBy(userId: string, limit: number): Promise<Report[]>;
  /** Everyone's reports, newest first: filed before `before` (all when unset), at most `limit`. */
  recentReports(options: { before?: Date | undefined; limit: number }): Promise<Report[]>;
  reportById(id: string): Promise<Report | null>;
  /** Deletes one report with its evidence; false when there was none. */
  deleteReport(id: string): Promise<boolean>;
  /** Deletes reports (and the evidence they quote) filed before `cutoff`, oldest first, at most `limit`; answers how many. */
  deleteReportsBefore(cutoff: Date, limit: number): Promise<number>;
  /** Who filed the reports carrying quoted messages against `userId` since `since`, oldest first, at most `limit`. */
  evidencedReporters(userId: string, since: Date, limit: number): Promise<ReporterMark[]>;
  /** Creates or replaces the user's ban. */
  ban(userId: string, until: Date, reason: string, by: string): Promise<Ban>;
  unban(userId: string): Promise<boolean>;
  activeBan(userId: string, now: Date): Promise<Ban | null>;
  /** Puts the user in the shadow pool from now until `until`, or keeps them there until then. */
  shadow(userId: string, until: Date): Promise<void>;
  inShadowPool(userId: string, now: Date): Promise<boolean>;
  /** The users in the shadow pool at `now`, the most recently added first, one page; and how many there are. */
  shadowPool(now: Date, offset: number, limit: number): Promise<{ users: ShadowedUser[]; total: number }>;
  /** Creates or refreshes the (user, device) record. */
  recordDevice(device: Device): Promise<void>;
  /** The device this user recorded most recently, if any. */
  latestDeviceOf(userId: string): Promise<string | null>;
  /** That device with the address it was last used from. */
  latestDevice(userId: string): Promise<Pick<Device, "deviceId" | "ip"> | null>;
  /** The active ban of any user who used this device. */
  activeBanOfDevice(deviceId: string, now: Date): Promise<Ban | null>;
}

import type { Config } from "../config/index.ts";
import { Errors } from "../errors/index.ts";
import type { MessageSigner } from "./message-signature.ts";
import { metrics } from "../metrics/index.ts";
import type { Ban, NewReport, Report, ReportedMessage, ReporterMark, SafetyStore, ShadowedUser } from "./safety-store.ts";

export interface ReportOutcome {
  report: Report;
  /** Set when this report took the reported user past the threshold. */
  ban: Ban | null;
}

/** A report as the room or the REST route files it; moderation adds the reporter's device. */
export type ReportRequest = Omit<NewReport, "reporterDeviceId">;

export interface Moderation {
  /**
   * Files a report after checking that every quoted message was really sent by the reported user
   * to the reporter. The caller has already checked that the two really had a chat.
   */
  report(input: ReportRequest): Promise<ReportOutcome>;
  ban(userId: string, until: Date, reason: string, by: string): Promise<Ban>;
  /** Called with every ban made through this service, e.g. to close the banned user's connections. */
  onBan(listener: (ban: Ban) => void): void;
  /** Called with every report filed, once it is stored. */
  onReport(listener: (report: Report) => void): void;
  /** Stores a block (`blocked` true) or its removal; true if something changed. Listeners are awaited. */
  setBlock(blockerId: string, blockedId: string, blocked: boolean): Promise<boolean>;
  /** True while the user is matched only inside the shadow pool. */
  inShadowPool(userId: string): Promise<boolean>;
  /** The shadow pool, the most recently added first, one bounded page; and how many are in it. */
  shadowPool(page: { offset: number; limit: number }): Promise<{ users: ShadowedUser[]; total: number }>;
  /** Called with every block and unblock, e.g. so that two users already waiting are never paired. */
  onBlock(listener: (blockerId: string, blockedId: string, blocked: boolean) => Promise<void>): void;
}

/** The most reports with evidence one ban decision reads. */
const REPORTS_READ_PER_DECISION = 500;

/** Why a quoted message is not evidence; null when it is genuine. */
export function evidenceProblem(
  signer: MessageSigner,
  report: Pick<ReportRequest, "reportedId" | "reporterId">,
  message: ReportedMessage,
): string | null {
  if (message.from !== report.reportedId) return "a quoted message was not sent by the reported user";
  if (message.to !== report.reporterId) return "a quoted message was not sent to you";
  return signer.verify(message, message.signature) ? null : "a quoted message does not match what the server relayed";
}

/**
 * How many of these reporters are independent of each other: oldest first, a reporter
 * counts only if its account, address and device all differ from those of every reporter
 * counted before. Accounts and device ids cost a bot farm nothing; addresses do. A report
 * whose address is unknown proves nothing and is not counted.
 */
export function independentReporters(marks: readonly ReporterMark[]): number {
  const accounts = new Set<string>();
  const addresses = new Set<string>();
  const devices = new Set<string>();
  for (const { reporterId, reporterIp, reporterDeviceId } of marks) {
    if (!reporterIp || accounts.has(reporterId) || addresses.has(reporterIp)) continue;
    if (reporterDeviceId && devices.has(reporterDeviceId)) continue;
    accounts.add(reporterId);
    addresses.add(reporterIp);
    if (reporterDeviceId) devices.add(reporterDeviceId);
  }
  return accounts.size;
}

/**
 * Reports on a chat that stores nothing: the evidence is the messages the reporter
 * received, each carrying the server's signature. Only reports quoting such messages
 * count toward an automatic ban, and only from reporters independent of each other
 * (see `independentReporters`); the rest wait for a moderator.
 */
export function createModeration(
  safety: SafetyStore,
  signer: MessageSigner,
  rules: Config["moderation"],
): Moderation {
  const listeners: Array<(ban: Ban) => void> = [];
  const reportListeners: Array<(report: Report) => void> = [];
  const blockListeners: Array<(blockerId: string, blockedId: string, blocked: boolean) => Promise<void>> = [];
  const ban = async (userId: string, until: Date, reason: string, by: string) => {
    const made = await safety.ban(userId, until, reason, by);
    for (const listener of listeners) listener(made);
    return made;
  };
  /** Matched only inside the pool until the reports that put them there leave the window; nothing tells them. */
  const shadow = async (userId: string, until: Date) => {
    await safety.shadow(userId, until);
    metrics.shadowPoolSize((await safety.shadowPool(new Date(), 0, 0)).total);
  };
  return {
    ban,
    async inShadowPool(userId) {
      return safety.inShadowPool(userId, new Date());
    },
    async shadowPool({ offset, limit }) {
      const now = new Date();
      const page = await safety.shadowPool(now, offset, limit);
      metrics.shadowPoolSize(page.total);
      return page;
    },
    onBan(listener) {
      listeners.push(listener);
    },
    onReport(listener) {
      reportListeners.push(listener);
    },
    async setBlock(blockerId, blockedId, blocked) {
      const changed = blocked ? (await safety.block(blockerId, blockedId), true) : await safety.unblock(blockerId, blockedId);
      await Promise.all(blockListeners.map((listener) => listener(blockerId, blockedId, blocked)));
      return changed;
    },
    onBlock(listener) {
      blockListeners.push(listener);
    },
    async report(input) {
      for (const message of input.messages) {
        const problem = evidenceProblem(signer, input, message);
        if (problem) throw Errors.reportEvidenceInvalid(problem);
      }
      const report = await safety.addReport({ ...input, reporterDeviceId: await safety.latestDeviceOf(input.reporterId) });
      for (const listener of reportListeners) listener(report);
      if (report.messages.length === 0) return { report, ban: null };
      const now = Date.now();
      const since = new Date(now - rules.reportWindowMs);
      const reporters = independentReporters(await safety.evidencedReporters(input.reportedId, since, REPORTS_READ_PER_DECISION));
      if (reporters < rules.reportBanThreshold) {
        if (reporters >= rules.shadowPoolReporters) await shadow(input.reportedId, new Date(now + rules.reportWindowMs));
        return { report, ban: null };
      }
      if (await safety.activeBan(input.reportedId, new Date(now))) return { report, ban: null };
      const reason = `reported with evidence by ${reporters} independent users`;
      return { report, ban: await ban(input.reportedId, new Date(now + rules.reportBanMs), reason, "reports") };
    },
  };
}

import type { Config } from "../config/index.ts";
import { Errors } from "../errors.ts";
import type { MessageSigner } from "./message-signature.ts";
import type { Ban, NewReport, Report, ReportedMessage, SafetyStore } from "./safety-store.ts";

export interface ReportOutcome {
  report: Report;
  /** Set when this report took the reported user past the threshold. */
  ban: Ban | null;
}

export interface Moderation {
  /** Files a report after checking that every quoted message was really sent by the reported user to the reporter. */
  report(input: NewReport): Promise<ReportOutcome>;
  ban(userId: string, until: Date, reason: string, by: string): Promise<Ban>;
  /** Called with every ban made through this service, e.g. to close the banned user's connections. */
  onBan(listener: (ban: Ban) => void): void;
}

/** Why a quoted message is not evidence; null when it is genuine. */
function evidenceProblem(signer: MessageSigner, report: NewReport, message: ReportedMessage): string | null {
  if (message.from !== report.reportedId) return "a quoted message was not sent by the reported user";
  if (message.to !== report.reporterId) return "a quoted message was not sent to you";
  return signer.verify(message, message.signature) ? null : "a quoted message does not match what the server relayed";
}

/**
 * Reports on a chat that stores nothing: the evidence is the messages the reporter
 * received, each carrying the server's signature. Reports from enough different
 * users within the window ban the reported user for a while.
 */
export function createModeration(
  safety: SafetyStore,
  signer: MessageSigner,
  rules: Config["moderation"],
): Moderation {
  const listeners: Array<(ban: Ban) => void> = [];
  const ban = async (userId: string, until: Date, reason: string, by: string) => {
    const made = await safety.ban(userId, until, reason, by);
    for (const listener of listeners) listener(made);
    return made;
  };
  return {
    ban,
    onBan(listener) {
      listeners.push(listener);
    },
    async report(input) {
      for (const message of input.messages) {
        const problem = evidenceProblem(signer, input, message);
        if (problem) throw Errors.reportEvidenceInvalid(problem);
      }
      const report = await safety.addReport(input);
      const now = Date.now();
      const reporters = await safety.distinctReporters(input.reportedId, new Date(now - rules.reportWindowMs));
      if (reporters < rules.reportBanThreshold || (await safety.activeBan(input.reportedId, new Date(now)))) {
        return { report, ban: null };
      }
      const made = await ban(input.reportedId, new Date(now + rules.reportBanMs), `reported by ${reporters} users`, "reports");
      return { report, ban: made };
    },
  };
}

import type { BenchOptions } from "./options.ts";
import { say } from "./progress.ts";
import { runGuestChallenge, type ChallengeResult } from "./scenarios/guest-challenge.ts";
import { runImageScreening, type ScreeningResult } from "./scenarios/image-screening.ts";

/** The safety figures: they need no bots and no target, only Pairline's own code in this process and Chromium. */
export interface SafetyResults {
  screening?: ScreeningResult;
  challenge?: ChallengeResult;
  /** When each was measured, and at which commit. */
  measured: Partial<Record<"screening" | "challenge", { date: string; commit: string }>>;
}

export const SAFETY_SCENARIOS = ["screening", "challenge"] as const;

/** Runs the safety scenarios among those chosen; null when none is. */
export async function runSafety(options: BenchOptions, commit: string): Promise<SafetyResults | null> {
  const chosen = SAFETY_SCENARIOS.filter((s) => options.scenarios.includes(s));
  if (chosen.length === 0) return null;
  const results: SafetyResults = { measured: {} };
  const stamp = () => ({ date: new Date().toISOString(), commit });
  if (chosen.includes("screening")) {
    say("(i) image screening: nsfwjs in the screening pool");
    results.screening = await runImageScreening(options.plan.mode);
    results.measured.screening = stamp();
  }
  if (chosen.includes("challenge")) {
    say("(j) guest challenge: a bot in Node, a person in Chromium");
    results.challenge = await runGuestChallenge(options.plan.mode, options.pairlineRoot);
    results.measured.challenge = stamp();
  }
  return results;
}

/** Earlier safety figures with the fresh ones in place of those measured again. */
export function mergeSafety(earlier: SafetyResults | undefined, fresh: SafetyResults | null): SafetyResults | undefined {
  if (!fresh) return earlier;
  return { ...earlier, ...fresh, measured: { ...earlier?.measured, ...fresh.measured } };
}

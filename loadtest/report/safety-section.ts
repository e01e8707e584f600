import type { SafetyResults } from "../run/safety.ts";
import type { ChallengeResult } from "../run/scenarios/guest-challenge.ts";
import type { ScreeningResult } from "../run/scenarios/image-screening.ts";
import { int, kb, ms, table } from "./format.ts";

/** The demo page's goal for a person at the default difficulty. */
export const BROWSER_SOLVE_GOAL_MS = 1000;

const load = ([before, after]: [number, number]) => `the machine's load average was ${before.toFixed(1)} before, ${after.toFixed(1)} after`;
const when = (m: { date: string; commit: string } | undefined) => (m ? ` Measured ${m.date.slice(0, 16).replace("T", " ")} UTC at \`${m.commit}\`.` : "");

function screeningPart(r: ScreeningResult, measured: SafetyResults["measured"]["screening"]): string[] {
  return [
    "### (i) Image screening latency per image",
    "",
    `nsfwjs (MobileNetV2 from the package) on TensorFlow.js's WebAssembly backend, in the server's screening pool with its defaults: ${r.threads} thread(s), at most ${r.queue} images waiting (\`IMAGE_SCREENING_THREADS\`, \`IMAGE_SCREENING_QUEUE\`). Latency is from handing the stored upload to the pool to its verdict: reading, decoding, scaling to 224×224 and classifying. Generated images, nothing explicit. The first image of a fresh thread also loads the model: ${int(r.firstImageMs)} ms. Wall times depend on the machine's load (${load(r.loadAverage)}); the CPU time per image (the whole process: pool thread and event loop) does not, and is what one idle core would take.${when(measured)}`,
    "",
    table(
      ["image", "size (KB)", "images", "p50 (ms)", "p99 (ms)", "max (ms)", "CPU per image (ms)"],
      r.oneAtATime.map((k) => [k.image, kb(k.bytes), int(k.latency.count), ms(k.latency.p50), ms(k.latency.p99), ms(k.latency.max), ms(k.cpuMsPerImage)]),
    ),
    "",
    `**The queue is bounded.** ${int(r.burst.sent)} small images at once (threads + queue + ${int(r.burst.sent - r.threads - r.queue)}): ${int(r.burst.screened)} screened, waiting their turn (p50 ${ms(r.burst.latency.p50)} ms, p99 ${ms(r.burst.latency.p99)} ms), and ${int(r.burst.refused)} refused at once (the upload gets \`503\` with \`Retry-After\`; p99 ${ms(r.burst.refusedIn.p99)} ms) instead of waiting behind them.`,
  ];
}

function challengePart(r: ChallengeResult, measured: SafetyResults["measured"]["challenge"]): string[] {
  const b = r.browser;
  const n = r.node;
  const meets = b.cpuMsPerSolve < BROWSER_SOLVE_GOAL_MS ? "meets" : "misses";
  return [
    "### (j) Guest challenge: what it costs a person and a bot",
    "",
    `The default difficulty: the server hides a counter below ${int(r.maxNumber)} (\`GUEST_CHALLENGE_MAX_NUMBER\`), so a solver tries half of them on average. *A person* is the demo page's own code in Chromium (\`guest-challenge.js\` fetching a challenge and solving it in its Web Worker, with \`@noble/hashes\`' SHA-256), ${int(b.solves)} times; *a bot* is \`altcha-lib\`'s Node solver making ${int(n.guests)} guests. Wall times depend on what else the machine runs (${load(r.loadAverage)}); CPU times do not, and are what one idle core would take.${when(measured)}`,
    "",
    table(
      ["who", "solves", "wall p50 (ms)", "wall p95 (ms)", "CPU per solve (ms)", "hashes per CPU-second", "hardest challenge, CPU (ms)"],
      [
        ["a person (Chromium, demo page)", int(b.solves), ms(b.total.p50), ms(b.total.p95), ms(b.cpuMsPerSolve), int(b.hashesPerCpuSecond), ms(b.worstCaseCpuMs)],
        ["a bot (Node, altcha-lib)", int(n.guests), ms(n.solve.p50), ms(n.solve.p95), ms(n.cpuSecondsPer1000), "–", "–"],
      ],
    ),
    "",
    `- A person's solve ${meets} the goal of ${int(BROWSER_SOLVE_GOAL_MS)} ms on an idle core (${ms(b.cpuMsPerSolve)} ms of Chromium CPU per solve, the page's fetch, worker start and progress messages included; ${ms(b.worstCaseCpuMs)} ms for the hardest challenge). The worker alone reported p50 ${ms(b.worker.p50)} ms of wall time under this load. The progress bar got ${b.progressUpdatesPerSolve.toFixed(0)} updates per solve.`,
    `- **A bot pays ${int(n.cpuSecondsPer1000)} CPU-seconds per 1,000 guests** at the default difficulty (${ms(n.cpuSecondsPer1000)} CPU-ms each), more for an address or device with strikes (× \`GUEST_CHALLENGE_STRIKE_FACTOR\` per strike).`,
  ];
}

/** (i) and (j): the figures of the safety features. */
export function safetySection(results: SafetyResults): string {
  return [
    "## Safety: image screening and the guest challenge",
    "",
    "Measured in the bench's own process with Pairline's code (`npm run bench -- --only screening,challenge`; `loadtest/guest-cost.ts` prints the challenge figures alone).",
    ...(results.screening ? ["", ...screeningPart(results.screening, results.measured.screening)] : []),
    ...(results.challenge ? ["", ...challengePart(results.challenge, results.measured.challenge)] : []),
  ].join("\n");
}

import { setTimeout as sleep } from "node:timers/promises";
import type { WindowCounts } from "../../bots/bot-stats.ts";
import { LatencyHistogram } from "../../metrics/histogram.ts";
import type { Plan } from "../plan.ts";
import type { ChatWindow } from "../results.ts";
import type { Session } from "../session.ts";

const WARMUP_WINDOW = 0;
let nextWindow = 1;

/**
 * Every chatting client sends `perClient` messages per second: a warm-up first, then
 * the measured window. A message belongs to the window it was sent in; the receivers
 * count it whenever it arrives, so loss is what was sent and never came.
 */
export async function chatWindow(session: Session, plan: Plan, perClient: number): Promise<ChatWindow> {
  const { warmupMs, measureMs, drainMs } = plan.window;
  const chat = (window: number, durationMs: number) =>
    session.pool.all({ op: "chat", window, perSecond: perClient, durationMs, length: plan.messageLength });
  if (warmupMs > 0) await chat(WARMUP_WINDOW, warmupMs);
  const window = nextWindow++;
  const clients = (await session.status()).chatting;
  let serverRssBytes = 0;
  const { cost, stats } = await session.measure(async () => {
    await chat(window, measureMs);
    serverRssBytes = session.serverRss();
  }, drainMs);
  return {
    ...cost,
    window,
    clients,
    perClient,
    offeredPerSecond: clients * perClient,
    ...countsOf(session.windowTotals.get(window), measureMs),
    serverRssBytes,
    problems: stats.counts,
  };
}

function countsOf(counts: WindowCounts | undefined, measureMs: number) {
  const sent = counts?.sent ?? 0;
  const received = counts?.received ?? 0;
  const seconds = measureMs / 1000;
  return {
    sentPerSecond: sent / seconds,
    deliveredPerSecond: received / seconds,
    sent,
    received,
    lost: Math.max(0, sent - received),
    missed: counts?.missed ?? 0,
    latency: (counts?.latency ?? new LatencyHistogram()).summary(),
    ackRtt: (counts?.ackRtt ?? new LatencyHistogram()).summary(),
  };
}

/**
 * A message that arrived after its window's drain pause counted as lost when the
 * window was judged; once a scenario is over, each window gets what finally arrived
 * for it (late ones in its latency, lost only what never came).
 */
export async function settleWindows(session: Session, plan: Plan, windows: ChatWindow[]): Promise<void> {
  await sleep(plan.window.drainMs);
  await session.take();
  for (const window of windows) Object.assign(window, countsOf(session.windowTotals.get(window.window), plan.window.measureMs));
}

/** A window meets the goal when its p99 is under the limit and nothing was lost. */
export function meetsGoal(window: ChatWindow, plan: Plan): boolean {
  return window.received > 0 && window.latency.p99 < plan.latencyGoalMs && window.lost === 0;
}

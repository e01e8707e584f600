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
  const counted = stats.windows.get(window);
  const sent = counted?.sent ?? 0;
  const received = counted?.received ?? 0;
  const seconds = measureMs / 1000;
  return {
    ...cost,
    clients,
    perClient,
    offeredPerSecond: clients * perClient,
    sentPerSecond: sent / seconds,
    deliveredPerSecond: received / seconds,
    sent,
    received,
    lost: Math.max(0, sent - received),
    missed: counted?.missed ?? 0,
    latency: (counted?.latency ?? new LatencyHistogram()).summary(),
    ackRtt: (counted?.ackRtt ?? new LatencyHistogram()).summary(),
    serverRssBytes,
    problems: stats.counts,
  };
}

/** A window meets the goal when its p99 is under the limit and nothing was lost. */
export function meetsGoal(window: ChatWindow, plan: Plan): boolean {
  return window.received > 0 && window.latency.p99 < plan.latencyGoalMs && window.lost === 0;
}

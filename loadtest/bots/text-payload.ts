import { epochMs } from "./clock.ts";

/**
 * Chat text that carries its own send time and the measurement window it belongs to,
 * so the receiver can measure relay latency without asking anyone:
 * `<window>:<sent epoch ms>:<filler to the requested length>`.
 */
const FILLER = "the quick brown fox jumps over the lazy dog and keeps on chatting with a stranger ".repeat(64);

export function textWithSendTime(window: number, length: number): string {
  const head = `${window}:${epochMs().toFixed(3)}:`;
  return head + FILLER.slice(0, Math.max(0, length - head.length));
}

export interface Stamped {
  window: number;
  sentAt: number;
}

/** The window and send time of a text made by `textWithSendTime`; undefined for any other text. */
export function readSendTime(content: unknown): Stamped | undefined {
  if (typeof content !== "string") return undefined;
  const first = content.indexOf(":");
  const second = content.indexOf(":", first + 1);
  if (first <= 0 || second <= first) return undefined;
  const window = Number(content.slice(0, first));
  const sentAt = Number(content.slice(first + 1, second));
  return Number.isFinite(window) && Number.isFinite(sentAt) ? { window, sentAt } : undefined;
}

import { epochMs } from "./clock.ts";

/**
 * Chat text that carries its own send time and the measurement window it belongs to,
 * so the receiver can measure relay latency without asking anyone:
 * `<window>:<sent epoch ms>:<filler to the requested length>`, the two numbers written
 * with symbols instead of digits. A moderated chat masks profanity, and its matcher
 * reads digits as letters (`455` as `ass`); it never reads these symbols as letters, so
 * the send time reaches the receiver intact on every server alike.
 */
const FILLER = "the quick brown fox jumps over the lazy dog and keeps on chatting with a stranger ".repeat(64);
const DIGIT_SYMBOLS = "#%&*+=<>^~";
const DIGIT_OF = new Map([...DIGIT_SYMBOLS].map((symbol, digit) => [symbol, String(digit)]));

const toSymbols = (number: string): string => number.replace(/\d/g, (digit) => DIGIT_SYMBOLS[Number(digit)]!);
const fromSymbols = (symbols: string): number => (symbols === "" ? NaN : Number(symbols.replace(/[^.]/g, (symbol) => DIGIT_OF.get(symbol) ?? "x")));

export function textWithSendTime(window: number, length: number, sentAt = epochMs()): string {
  const head = `${toSymbols(String(window))}:${toSymbols(sentAt.toFixed(3))}:`;
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
  const window = fromSymbols(content.slice(0, first));
  const sentAt = fromSymbols(content.slice(first + 1, second));
  return Number.isFinite(window) && Number.isFinite(sentAt) ? { window, sentAt } : undefined;
}

import { randomUUID } from "node:crypto";
import type { Presence } from "@colyseus/core";
import type { Pair, QueueEntry } from "./entry.ts";
import type { OpenChat } from "./matchmaker.ts";

/** How long a process waits for another to say it opened a pair's chat before putting the pair back in the queue. */
export const CHAT_HOST_TIMEOUT_MS = 10_000;
/**
 * The share of that wait, counted from the request, within which a host announces the chat:
 * past it the pair may be back in the queue. The rest (a second of ten) covers the answer's
 * way back and the processes' clocks, which NTP keeps far closer.
 */
const HOST_SHARE_OF_WAIT = 0.9;

/**
 * Opens a chat room for the pair on this process, both seats reserved; what it returns tells
 * both lobbies. A room nobody is told of ends by itself when its seats expire.
 */
export type PrepareChat = (a: QueueEntry, b: QueueEntry) => Promise<() => void>;

const channelOf = (processId: string) => `pairline:chat-host:${processId}`;

type HostMessage =
  | { kind: "open"; id: string; from: string; pair: Pair; sentAt: number; waitMs: number }
  | { kind: "opened"; id: string; error?: string };

interface Asked {
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export interface ChatHosts {
  /** Opens the pair's chat on the process of one of its two lobbies; rejects if that process fails or does not answer. */
  open: OpenChat;
  /** Starts taking pairs from other processes (once this process has its id). */
  serve(): Promise<void>;
  /** Stops taking them, and gives up waiting for the processes asked (their pairs go back to the queue). */
  stop(): void;
}

/**
 * Where a pair's chat opens. The process that claims a pair is the one whose lobby asked
 * last: when the users of one process wait and those of another arrive (a process just
 * started, a deploy), the arriving side claims every pair, and would seat every user
 * while the other idles. A pair's chat opens instead on the process of one of its two
 * lobbies, picked at random: chats spread as lobbies do, and both seats are still
 * reserved by the process that holds the room.
 * Another process is asked over presence pub/sub, one PUBLISH each way; the claim stays
 * with the process that made it, which confirms the pair, or releases it on an error or
 * once it stops waiting. A host that got the request, or finished the room, too late for
 * that (Redis stalled) does not tell the lobbies, so a pair given back to the queue is not
 * also seated, unless the host's answer itself takes longer than the wait's last second.
 */
export function chatHosts(presence: Presence, processId: () => string, prepare: PrepareChat, timeoutMs = CHAT_HOST_TIMEOUT_MS): ChatHosts {
  const asked = new Map<string, Asked>();

  const answer = (to: string, id: string, error?: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    const reply: HostMessage = error === undefined ? { kind: "opened", id } : { kind: "opened", id, error: reason };
    // An answer lost with Redis leaves the asking process to give the pair back when it stops waiting.
    Promise.resolve(presence.publish(channelOf(to), reply)).catch(() => undefined);
  };

  const openFor = async ({ pair: [a, b], sentAt, waitMs }: Extract<HostMessage, { kind: "open" }>) => {
    const deadline = sentAt + waitMs * HOST_SHARE_OF_WAIT;
    if (Date.now() > deadline) throw new Error("the request came after the asking process stopped waiting");
    const announce = await prepare(a, b);
    if (Date.now() > deadline) throw new Error("the chat was ready after the asking process stopped waiting; not announced");
    announce();
  };

  const hear = (message: HostMessage) => {
    if (message.kind === "open") {
      openFor(message).then(
        () => answer(message.from, message.id),
        (error: unknown) => answer(message.from, message.id, error ?? "failed"),
      );
      return;
    }
    const waiting = asked.get(message.id);
    if (!waiting) return;
    asked.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.error === undefined) waiting.resolve();
    else waiting.reject(new Error(`the chat host could not open the chat: ${message.error}`));
  };

  const ask = (host: string, pair: Pair) =>
    new Promise<void>((resolve, reject) => {
      const id = randomUUID();
      const timer = setTimeout(() => {
        asked.delete(id);
        reject(new Error(`chat host ${host} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      asked.set(id, { resolve, reject, timer });
      const request: HostMessage = { kind: "open", id, from: processId(), pair, sentAt: Date.now(), waitMs: timeoutMs };
      Promise.resolve(presence.publish(channelOf(host), request)).catch((error: unknown) => {
        clearTimeout(timer);
        asked.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });

  return {
    async open(a, b) {
      const host = Math.random() < 0.5 ? a.processId : b.processId;
      if (host !== undefined && host !== processId()) return ask(host, [a, b]);
      (await prepare(a, b))();
    },
    async serve() {
      await presence.subscribe(channelOf(processId()), hear);
    },
    stop() {
      Promise.resolve(presence.unsubscribe(channelOf(processId()), hear)).catch(() => undefined);
      for (const [id, waiting] of asked) {
        clearTimeout(waiting.timer);
        asked.delete(id);
        waiting.reject(new Error("this process is stopping"));
      }
    },
  };
}

import { randomUUID } from "node:crypto";
import { Protocol, getMessageBytes } from "@colyseus/core";
import { metrics } from "../src/metrics/index.ts";
import type { RoomClient } from "./inbound.ts";
import { PendingFrames } from "./pending-frames.ts";
import type { ChatServerMessage, Stamp } from "./protocol.ts";

/** What happens to a relayed frame whose recipient is away (dropped, may come back). */
export const WhenAway = {
  /** Held, within the reconnection buffer's bounds, and delivered in order on return. */
  Hold: "hold",
  /** Dropped: it means nothing later (e.g. "typing"). */
  Drop: "drop",
} as const;
export type WhenAway = (typeof WhenAway)[keyof typeof WhenAway];

export interface RelayOptions {
  whenAway: WhenAway;
  /** The frame's `signature`, which covers the stamp and the recipient. */
  signature?: (stamp: Stamp, to: string) => string;
}

/** Who a relay delivers to; the room answers. */
export interface RelayParticipants {
  partnerOf(userId: string): string;
  /** The recipient's live connection; undefined while they are away. */
  connectionOf(userId: string): RoomClient | undefined;
  /** A recipient that stopped reading: its connection is cut off (it may reconnect). */
  cutOff(client: RoomClient): void;
}

export interface RelayLimits {
  /** Unsent bytes a connection may have queued (`OUTPUT_BUFFER_BYTES`). */
  outputBufferBytes: number;
  /** What is held for an away participant (`RECONNECT_BUFFER_MESSAGES`, `RECONNECT_BUFFER_BYTES`). */
  reconnectBufferMessages: number;
  reconnectBufferBytes: number;
}

let isoMs = NaN;
let isoText = "";

/** The time in ISO 8601; the messages of one millisecond share its text. */
function isoNow(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

/** Bytes queued on a client's socket that the network has not taken yet. */
const unsentBytes = (client: RoomClient): number => (client.ref as unknown as { bufferedAmount?: number }).bufferedAmount ?? 0;

/**
 * Stamps what one participant says and hands it to the other: encoded once, and the
 * same bytes go to the partner's socket now or into the frames held for them.
 */
export class Relay {
  readonly #participants: RelayParticipants;
  readonly #limits: RelayLimits;
  readonly #held = new Map<string, PendingFrames>();
  #closed = false;

  constructor(participants: RelayParticipants, limits: RelayLimits) {
    this.#participants = participants;
    this.#limits = limits;
  }

  /** The stamp it went out with; undefined if the chat is over, or the partner is away and it could not be held. */
  relay(senderId: string, type: ChatServerMessage, body: object, { whenAway, signature }: RelayOptions): Stamp | undefined {
    if (this.#closed) return undefined;
    const stamp: Stamp = { id: randomUUID(), from: senderId, timestamp: isoNow() };
    const to = this.#participants.partnerOf(senderId);
    const payload: Record<string, unknown> = { ...body, id: stamp.id, from: stamp.from, timestamp: stamp.timestamp };
    if (signature) payload.signature = signature(stamp, to);
    const frame = getMessageBytes.raw(Protocol.ROOM_DATA, type, payload);
    if (!this.#deliver(to, frame, whenAway)) return undefined;
    metrics.messageRelayed(type);
    return stamp;
  }

  /** The chat is over: nothing more is relayed. */
  close(): void {
    this.#closed = true;
  }

  /** Sends what was held for a participant while away, in order. */
  deliverHeld(client: RoomClient): void {
    for (const frame of this.#held.get(client.auth!.id)?.drain() ?? []) client.enqueueRaw(frame);
  }

  #deliver(userId: string, frame: Buffer, whenAway: WhenAway): boolean {
    const client = this.#participants.connectionOf(userId);
    if (client) {
      if (unsentBytes(client) + frame.byteLength <= this.#limits.outputBufferBytes) {
        client.enqueueRaw(frame);
        return true;
      }
      this.#participants.cutOff(client);
    }
    return whenAway === WhenAway.Drop || this.#heldFor(userId).push(frame);
  }

  #heldFor(userId: string): PendingFrames {
    let held = this.#held.get(userId);
    if (!held) {
      held = new PendingFrames(this.#limits.reconnectBufferMessages, this.#limits.reconnectBufferBytes);
      this.#held.set(userId, held);
    }
    return held;
  }
}

import type { Logger } from "../src/logger/index.ts";
import type { Config } from "../src/config/index.ts";
import type { Matchmaker, PairHandoff, WaitingQueue } from "../src/matchmaking/index.ts";
import type { LobbySessions, MessageBudget, OnlineUsers } from "../src/presence/index.ts";
import type { SeatAuth } from "../src/auth/seat.ts";
import type { ChatUploads } from "../src/uploads/lifetime.ts";
import type { MessageSigner } from "../src/users/message-signature.ts";
import type { MeetingSigner } from "../src/users/meetings.ts";
import type { Moderation } from "../src/users/moderation.ts";
import type { SafetyStore } from "../src/users/safety-store.ts";

/** What rooms receive from the server at definition time (`gameServer.define(name, Room, { deps })`). */
export interface RoomDeps {
  config: Config;
  logger: Logger;
  queue: WaitingQueue;
  matchmaker: Matchmaker;
  handoff: PairHandoff;
  online: OnlineUsers;
  /** Room messages per user per minute, across their connections and processes. */
  budget: MessageBudget;
  /** Each user's one lobby connection, across processes. */
  lobbySessions: LobbySessions;
  uploads: ChatUploads;
  safety: SafetyStore;
  signer: MessageSigner;
  meetings: MeetingSigner;
  moderation: Moderation;
}

export interface RoomCreateOptions {
  deps: RoomDeps;
}

/** Per-connection data; it follows the client across a reconnection. */
export interface ConnectionData {
  /** Spends one message of the user's budget; true if allowed. */
  spend(): boolean | Promise<boolean>;
}

export interface RoomClientShape {
  userData: ConnectionData;
  auth: SeatAuth;
}

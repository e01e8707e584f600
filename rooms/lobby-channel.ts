import type { Presence } from "@colyseus/core";
import type { LobbyServerPayloads, LobbyServerMessage } from "./protocol.ts";

/** What a lobby room is told about one of its sessions, from whatever process: a match, or that the user opened the lobby elsewhere. */
export type LobbyNotice =
  | { kind: "matched"; sessionId: string; matched: LobbyServerPayloads[typeof LobbyServerMessage.Matched] }
  | { kind: "replaced"; sessionId: string };

export const lobbyChannel = (lobbyId: string) => `pairline:lobby:${lobbyId}`;

/** The lobby rooms of this process: a notice to one of them is handed over here, not sent through presence. */
const lobbiesHere = new Map<string, (notice: LobbyNotice) => void>();

/** A lobby hears its notices from any process; returns what stops it (on dispose). */
export function listenAsLobby(presence: Presence, lobbyId: string, hear: (notice: LobbyNotice) => void): () => void {
  presence.subscribe(lobbyChannel(lobbyId), hear);
  lobbiesHere.set(lobbyId, hear);
  return () => void lobbiesHere.delete(lobbyId);
}

/** Tells a lobby of a notice: in a later microtask when it is on this process, else over presence pub/sub (one PUBLISH). */
export function notifyLobby(presence: Presence, lobbyId: string, notice: LobbyNotice): void {
  const hear = lobbiesHere.get(lobbyId);
  if (hear) queueMicrotask(() => hear(notice));
  else presence.publish(lobbyChannel(lobbyId), notice);
}

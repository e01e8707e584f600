import type { Presence } from "@colyseus/core";
import type { LobbyServerPayloads, LobbyServerMessage } from "./protocol.ts";

/** What a lobby room is told about one of its sessions, from whatever process: a match, or that the user opened the lobby elsewhere. */
export type LobbyNotice =
  | { kind: "matched"; sessionId: string; matched: LobbyServerPayloads[typeof LobbyServerMessage.Matched] }
  | { kind: "replaced"; sessionId: string };

export const lobbyChannel = (lobbyId: string) => `pairline:lobby:${lobbyId}`;

export function notifyLobby(presence: Presence, lobbyId: string, notice: LobbyNotice): void {
  presence.publish(lobbyChannel(lobbyId), notice);
}

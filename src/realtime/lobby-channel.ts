import type { Presence } from "@colyseus/core";
import type { LobbyServerPayloads, LobbyServerMessage } from "../../rooms/protocol.ts";

/** A match for one lobby session, published to the lobby room that holds it (in whatever process). */
export interface MatchNotice {
  sessionId: string;
  matched: LobbyServerPayloads[typeof LobbyServerMessage.Matched];
}

export const lobbyChannel = (lobbyId: string) => `pairline:lobby:${lobbyId}`;

export function notifyLobby(presence: Presence, lobbyId: string, notice: MatchNotice): void {
  presence.publish(lobbyChannel(lobbyId), notice);
}

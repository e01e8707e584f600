import type { Presence } from "@colyseus/core";

/** Where a user's one lobby connection is: the room (in any process) and its session. */
export interface LobbySession {
  lobbyId: string;
  sessionId: string;
}

const SESSIONS_KEY = "pairline:lobby-sessions";

/** Makes `session` the user's lobby connection; returns the one it replaces, if any. */
export async function claimLobbySession(presence: Presence, userId: string, session: LobbySession): Promise<LobbySession | null> {
  const previous = await presence.hget(SESSIONS_KEY, userId);
  await presence.hset(SESSIONS_KEY, userId, JSON.stringify(session));
  if (previous === null) return null;
  const parsed = JSON.parse(previous) as LobbySession;
  return parsed.sessionId === session.sessionId ? null : parsed;
}

/** Forgets the user's lobby connection if it is still `sessionId`. */
export async function releaseLobbySession(presence: Presence, userId: string, sessionId: string): Promise<void> {
  const current = await presence.hget(SESSIONS_KEY, userId);
  if (current !== null && (JSON.parse(current) as LobbySession).sessionId === sessionId) {
    await presence.hdel(SESSIONS_KEY, userId);
  }
}

import type { Redis } from "ioredis";

/** Where a user's one lobby connection is: the room (in any process) and its session. */
export interface LobbySession {
  lobbyId: string;
  sessionId: string;
}

/** Each user's one lobby connection, as every process sees it. */
export interface LobbySessions {
  /** Makes `session` the user's lobby connection; returns the one it replaces, if any. */
  claim(userId: string, session: LobbySession): Promise<LobbySession | null>;
  /** Forgets the user's lobby connection if it is still `sessionId`. */
  release(userId: string, sessionId: string): Promise<void>;
}

const replaced = (previous: LobbySession | null, session: LobbySession) => (previous?.sessionId === session.sessionId ? null : previous);

/** The lobby connections of a single process. */
export class MemoryLobbySessions implements LobbySessions {
  readonly #sessions = new Map<string, LobbySession>();

  async claim(userId: string, session: LobbySession): Promise<LobbySession | null> {
    const previous = this.#sessions.get(userId) ?? null;
    this.#sessions.set(userId, session);
    return replaced(previous, session);
  }

  async release(userId: string, sessionId: string): Promise<void> {
    if (this.#sessions.get(userId)?.sessionId === sessionId) this.#sessions.delete(userId);
  }
}

const sessionKey = (userId: string) => `pairline:lobby-session:${userId}`;
const parse = (stored: string | null) => (stored === null ? null : (JSON.parse(stored) as LobbySession));

/**
 * One string per user in Redis: a claim is one `SET … GET` (one round trip on the lobby
 * join), a release one `GETDEL`, followed by `SET … NX` to put back a newer session
 * it took away (one that replaced this one, whose notice is on its way).
 */
export class RedisLobbySessions implements LobbySessions {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async claim(userId: string, session: LobbySession): Promise<LobbySession | null> {
    return replaced(parse(await this.#redis.set(sessionKey(userId), JSON.stringify(session), "GET")), session);
  }

  async release(userId: string, sessionId: string): Promise<void> {
    const current = await this.#redis.getdel(sessionKey(userId));
    if (current !== null && parse(current)!.sessionId !== sessionId) await this.#redis.set(sessionKey(userId), current, "NX");
  }
}

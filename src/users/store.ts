/** A Pairline account: registered (email + password) or a throwaway guest. */
export interface User {
  id: string;
  username: string;
  email: string | null;
  passwordHash: string | null;
  isGuest: boolean;
  isOnline: boolean;
  lastSeen: Date | null;
  createdAt: Date;
}

export interface NewUser {
  username: string;
  email: string | null;
  passwordHash: string | null;
  isGuest: boolean;
}

/** The public shape of a user in API responses (the seed's `data.user`). */
export interface PublicUser {
  id: string;
  username: string;
  email: string | null;
  isGuest: boolean;
  isOnline: boolean;
  lastSeen: string | null;
  createdAt: string;
}

export function toPublicUser(user: User): PublicUser {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    isGuest: user.isGuest,
    isOnline: user.isOnline,
    lastSeen: user.lastSeen?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  };
}

/**
 * What the rest of Pairline knows about user storage. Every implementation
 * (SQLite, MongoDB) passes the same contract suite in `tests/contract`.
 * Emails and usernames are unique regardless of case; `create` throws
 * `Errors.userExists(field)` on a conflict.
 */
export interface UserStore {
  create(input: NewUser): Promise<User>;
  findById(id: string): Promise<User | null>;
  findByEmail(email: string): Promise<User | null>;
  findByUsername(username: string): Promise<User | null>;
  /** Records a coming online or going offline at `at`; ignored if a later one was recorded (writers in several processes). */
  setOnline(id: string, online: boolean, at: Date): Promise<void>;
  /** Records every user as offline, keeping when each was last seen: a lone process starts with nobody connected. */
  setEveryoneOffline(): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Deletes guest accounts created before `cutoff`; returns how many. */
  deleteGuestsCreatedBefore(cutoff: Date): Promise<number>;
  count(): Promise<number>;
  /** Resolves when the store answers a trivial query; used by readiness checks. */
  ping(): Promise<void>;
}

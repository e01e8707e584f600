import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { Errors } from "../../errors/index.ts";
import type { NewUser, User, UserStore } from "../store.ts";
import { newId } from "./database.ts";
import { turnWrites } from "./turn-writes.ts";

interface UserRow {
  id: string;
  username: string;
  email: string | null;
  password_hash: string | null;
  is_guest: number;
  is_online: number;
  last_seen: number | null;
  created_at: number;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    passwordHash: row.password_hash,
    isGuest: row.is_guest === 1,
    isOnline: row.is_online === 1,
    lastSeen: row.last_seen === null ? null : new Date(row.last_seen),
    createdAt: new Date(row.created_at),
  };
}

export function sqliteUserStore(db: DatabaseSync): UserStore {
  const inThisTurn = turnWrites(db);

  const statements = {
    insert: db.prepare(
      `INSERT INTO users (id, username, email, password_hash, is_guest, is_online, last_seen, created_at)
       VALUES (?, ?, ?, ?, ?, 0, NULL, ?)`,
    ),
    byId: db.prepare("SELECT * FROM users WHERE id = ?"),
    byEmail: db.prepare("SELECT * FROM users WHERE email = ?"),
    byUsername: db.prepare("SELECT * FROM users WHERE username = ?"),
    setOnline: db.prepare("UPDATE users SET is_online = ?, last_seen = ? WHERE id = ? AND (last_seen IS NULL OR last_seen <= ?)"),
    everyoneOffline: db.prepare("UPDATE users SET is_online = 0 WHERE is_online = 1"),
    delete: db.prepare("DELETE FROM users WHERE id = ?"),
    // Banned guests are kept until their ban ends, so the ban keeps holding their devices.
    deleteGuests: db.prepare(
      `DELETE FROM users WHERE is_guest = 1 AND created_at < ?
         AND id NOT IN (SELECT user_id FROM bans WHERE until > ?)`,
    ),
    count: db.prepare("SELECT COUNT(*) AS n FROM users"),
    ping: db.prepare("SELECT 1"),
  };

  const one = (statement: keyof typeof statements, ...params: SQLInputValue[]): User | null => {
    const row = statements[statement].get(...params) as UserRow | undefined;
    return row ? toUser(row) : null;
  };

  return {
    async create(input: NewUser) {
      const user: User = {
        id: newId(),
        username: input.username,
        email: input.email,
        passwordHash: input.passwordHash,
        isGuest: input.isGuest,
        isOnline: false,
        lastSeen: null,
        createdAt: new Date(),
      };
      try {
        // Committed with the turn's other writes: alone, the commit costs several times the insert.
        await inThisTurn(() =>
          statements.insert.run(user.id, user.username, user.email, user.passwordHash, user.isGuest ? 1 : 0, user.createdAt.getTime()),
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : "";
        if (message.includes("UNIQUE constraint failed: users.email")) throw Errors.userExists("email");
        if (message.includes("UNIQUE constraint failed: users.username")) throw Errors.userExists("username");
        throw error;
      }
      return user;
    },
    async findById(id) {
      return one("byId", id);
    },
    async findByEmail(email) {
      return one("byEmail", email);
    },
    async findByUsername(username) {
      return one("byUsername", username);
    },
    setOnline(id, online, at) {
      return inThisTurn(() => statements.setOnline.run(online ? 1 : 0, at.getTime(), id, at.getTime()));
    },
    async delete(id) {
      return Number(statements.delete.run(id).changes) > 0;
    },
    async setEveryoneOffline() {
      statements.everyoneOffline.run();
    },
    async deleteGuestsCreatedBefore(cutoff) {
      return Number(statements.deleteGuests.run(cutoff.getTime(), Date.now()).changes);
    },
    async count() {
      return (statements.count.get() as { n: number }).n;
    },
    async ping() {
      statements.ping.get();
    },
  };
}

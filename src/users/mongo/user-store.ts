import mongoose from "mongoose";
import { Errors } from "../../errors/index.ts";
import type { NewUser, User, UserStore } from "../store.ts";
import { CASE_INSENSITIVE, isObjectId } from "./connection.ts";

const userSchema = new mongoose.Schema(
  {
    username: { type: String, required: true },
    email: { type: String, default: null },
    passwordHash: { type: String, default: null },
    isGuest: { type: Boolean, default: false },
    isOnline: { type: Boolean, default: false },
    lastSeen: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
userSchema.index({ username: 1 }, { unique: true, collation: CASE_INSENSITIVE });
userSchema.index(
  { email: 1 },
  { unique: true, collation: CASE_INSENSITIVE, partialFilterExpression: { email: { $type: "string" } } },
);
userSchema.index({ isGuest: 1, createdAt: 1 });

interface UserDocument {
  _id: mongoose.Types.ObjectId;
  username: string;
  email: string | null;
  passwordHash: string | null;
  isGuest: boolean;
  isOnline: boolean;
  lastSeen: Date | null;
  createdAt: Date;
}

function toUser(doc: UserDocument): User {
  return {
    id: doc._id.toHexString(),
    username: doc.username,
    email: doc.email,
    passwordHash: doc.passwordHash,
    isGuest: doc.isGuest,
    isOnline: doc.isOnline,
    lastSeen: doc.lastSeen,
    createdAt: doc.createdAt,
  };
}

function isDuplicateKey(error: unknown): error is { code: number; keyPattern?: Record<string, unknown> } {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === 11000;
}

export async function mongoUserStore(connection: mongoose.Connection): Promise<UserStore> {
  const Users = connection.model<UserDocument>("User", userSchema);
  // createIndexes, not syncIndexes: processes of two versions side by side (a rolling restart) must not drop each other's indexes.
  await Users.createIndexes();
  const valid = isObjectId;
  const find = async (filter: mongoose.QueryFilter<UserDocument>) => {
    const doc = await Users.findOne(filter).collation(CASE_INSENSITIVE).lean<UserDocument>();
    return doc ? toUser(doc) : null;
  };

  return {
    async create(input: NewUser) {
      try {
        const doc = await Users.create(input);
        return toUser(doc.toObject<UserDocument>());
      } catch (error) {
        if (isDuplicateKey(error)) throw Errors.userExists(error.keyPattern?.email ? "email" : "username");
        throw error;
      }
    },
    findById: async (id) => (valid(id) ? find({ _id: id }) : null),
    findByEmail: (email) => find({ email }),
    findByUsername: (username) => find({ username }),
    async setOnline(id, online, at) {
      if (valid(id)) await Users.updateOne({ _id: id, $or: [{ lastSeen: null }, { lastSeen: { $lte: at } }] }, { isOnline: online, lastSeen: at });
    },
    async delete(id) {
      if (!valid(id)) return false;
      return (await Users.deleteOne({ _id: id })).deletedCount > 0;
    },
    async setEveryoneOffline() {
      await Users.updateMany({ isOnline: true }, { isOnline: false });
    },
    async deleteGuestsCreatedBefore(cutoff) {
      // Banned guests are kept until their ban ends, so the ban keeps holding their devices.
      const bannedIds = await connection.collection("bans").distinct("userId", { until: { $gt: new Date() } });
      const banned = bannedIds.map((id: string) => new mongoose.Types.ObjectId(id));
      const filter = { isGuest: true, createdAt: { $lt: cutoff }, _id: { $nin: banned } };
      const doomed = (await Users.find(filter, { _id: 1 }).lean()).map((doc) => doc._id.toHexString());
      if (doomed.length === 0) return 0;
      await Promise.all(
        ["blocks", "devices", "bans"].map((name) =>
          connection.collection(name).deleteMany({ $or: [{ userId: { $in: doomed } }, { blockerId: { $in: doomed } }, { blockedId: { $in: doomed } }] }),
        ),
      );
      return (await Users.deleteMany({ _id: { $in: doomed } })).deletedCount;
    },
    count: () => Users.countDocuments(),
    async ping() {
      await connection.db!.admin().ping();
    },
  };
}

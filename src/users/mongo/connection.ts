import mongoose from "mongoose";

export const CASE_INSENSITIVE = { locale: "en", strength: 2 } as const;

export const isObjectId = (id: string): boolean => /^[0-9a-f]{24}$/i.test(id);

export async function connectMongo(uri: string): Promise<mongoose.Connection> {
  return mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
}

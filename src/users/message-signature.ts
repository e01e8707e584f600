import { createHmac, createSecretKey, timingSafeEqual } from "node:crypto";

/** The fields of a relayed chat message that its signature covers. */
export interface SignedFields {
  id: string;
  from: string;
  to: string;
  timestamp: number;
  type: string;
  content: string;
}

/**
 * Signs relayed chat messages so that a report can prove what was said without
 * the server ever storing it: the chat room signs each message it relays, and a
 * report is accepted only with messages whose signature still verifies.
 */
export interface MessageSigner {
  sign(fields: SignedFields): string;
  verify(fields: SignedFields, signature: string): boolean;
}

export function createMessageSigner(jwtSecret: string): MessageSigner {
  // A key of its own, derived from the shared secret, so every process signs alike. Held as a
  // KeyObject: given raw bytes, createHmac would import the key again for every message.
  const key = createSecretKey(createHmac("sha256", jwtSecret).update("pairline:message-signature:v1").digest());
  const sign = (f: SignedFields) =>
    createHmac("sha256", key)
      .update(JSON.stringify([f.id, f.from, f.to, f.timestamp, f.type, f.content]))
      .digest("base64url");
  return {
    sign,
    verify(fields, signature) {
      const expected = Buffer.from(sign(fields));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

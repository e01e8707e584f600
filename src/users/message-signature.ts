import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from "node:crypto";

/** The fields of a relayed chat message that its signature covers. */
export interface SignedFields {
  id: string;
  from: string;
  to: string;
  /** ISO 8601, as the message carried it. */
  timestamp: string;
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

/**
 * A key of its own for one purpose, derived from the shared secret, so every process signs
 * alike. Held as a KeyObject: given raw bytes, createHmac would import the key again for every use.
 */
export function deriveKey(secret: string, purpose: string): KeyObject {
  return createSecretKey(createHmac("sha256", secret).update(purpose).digest());
}

/** True when `given` is `expected`, compared in constant time. */
export function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createMessageSigner(jwtSecret: string): MessageSigner {
  const key = deriveKey(jwtSecret, "pairline:message-signature:v1");
  const sign = (f: SignedFields) =>
    createHmac("sha256", key)
      .update(JSON.stringify([f.id, f.from, f.to, f.timestamp, f.type, f.content]))
      .digest("base64url");
  return {
    sign,
    verify(fields, signature) {
      return sameSignature(signature, sign(fields));
    },
  };
}

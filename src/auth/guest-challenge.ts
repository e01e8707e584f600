import { createHmac } from "node:crypto";
import { createChallenge, randomInt, verifySolution, type Challenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { z } from "zod";
import type { Config } from "../config/index.ts";
import { Errors } from "../errors/index.ts";
import { metrics } from "../metrics/index.ts";
import { entryKeys, type EntryLedger } from "./entry-ledger.ts";

/** Who asks for a challenge or redeems one. */
export interface Entrant {
  ip: string | null | undefined;
  deviceId?: string | null | undefined;
}

export interface GuestChallenges {
  /** A fresh challenge, harder for an address or device with recent strikes. */
  issue(who: Entrant): Promise<Challenge>;
  /** Accepts a solved challenge once, from whom it was issued to; throws a CHALLENGE_* error otherwise. */
  redeem(altcha: string | undefined, who: Entrant): Promise<void>;
  /** One more strike against this address and device (a refusal, a report, a ban). */
  strike(who: Entrant): Promise<void>;
}

/** The largest counter a uint32 challenge can name. */
const MAX_COUNTER = 0xffffffff;
const hex = (max: number) => z.string().regex(/^[0-9a-f]+$/).max(max);

/** What the client sends back: ALTCHA's v2 payload, base64 JSON `{ challenge, solution }`. */
const payloadSchema = z.strictObject({
  challenge: z.strictObject({
    parameters: z.strictObject({
      algorithm: z.literal("SHA-256"),
      nonce: hex(64),
      salt: hex(64),
      cost: z.number().int().min(1).max(1),
      keyLength: z.number().int().min(1).max(64),
      keyPrefix: hex(128),
      keySignature: hex(128),
      expiresAt: z.number().int().positive(),
      data: z.strictObject({ to: hex(32), at: z.number().int().nonnegative(), max: z.number().int().positive() }),
    }),
    signature: hex(128),
  }),
  solution: z.strictObject({
    counter: z.number().int().min(0).max(MAX_COUNTER),
    derivedKey: hex(128),
    time: z.number().nonnegative().max(24 * 3600 * 1000).optional(),
  }),
});

function decode(altcha: string): z.infer<typeof payloadSchema> | null {
  try {
    const parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(altcha, "base64").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Proof of work before a guest account (ALTCHA's open protocol, v2, SHA-256, deterministic
 * mode): the server picks a secret counter below `maxNumber` and the client must find it, so a
 * person's browser spends well under a second and a bot pays for every account. The counter
 * range grows by `strikeFactor` per recent strike of the address or device (capped at
 * `maxStrikes`). A challenge is bound to the address and device it was issued to, and good once.
 */
export function createGuestChallenges(
  rules: Config["guestChallenge"],
  secret: string,
  ledger: EntryLedger,
): GuestChallenges {
  const hmacSignatureSecret = createHmac("sha256", secret).update("guest-challenge").digest("hex");
  const hmacKeySignatureSecret = createHmac("sha256", secret).update("guest-challenge-key").digest("hex");
  const bindingOf = (who: Entrant) =>
    createHmac("sha256", hmacSignatureSecret).update(`${who.ip ?? ""}\n${who.deviceId ?? ""}`).digest("hex").slice(0, 32);
  const strike = (who: Entrant) => ledger.strike(entryKeys(who), rules.strikeWindowMs);
  const refuse = async (who: Entrant, reason: "required" | "invalid" | "expired" | "used") => {
    metrics.challengeRefused(reason);
    await strike(who);
    return reason === "required" ? Errors.challengeRequired() : reason === "used" ? Errors.challengeUsed() : Errors.challengeInvalid(reason);
  };

  return {
    strike,
    async issue(who) {
      const strikes = Math.min(await ledger.strikes(entryKeys(who)), rules.maxStrikes);
      const maxNumber = Math.min(MAX_COUNTER, rules.maxNumber * rules.strikeFactor ** strikes);
      metrics.challengeIssued(strikes);
      return createChallenge({
        algorithm: "SHA-256",
        cost: 1,
        counter: randomInt(maxNumber),
        deriveKey,
        expiresAt: new Date(Date.now() + rules.expiresMs),
        data: { to: bindingOf(who), at: Date.now(), max: maxNumber },
        hmacSignatureSecret,
        hmacKeySignatureSecret,
      });
    },
    async redeem(altcha, who) {
      if (!altcha) throw await refuse(who, "required");
      const payload = decode(altcha);
      if (!payload || payload.challenge.parameters.data.to !== bindingOf(who)) throw await refuse(who, "invalid");
      const result = await verifySolution({
        challenge: payload.challenge,
        solution: payload.solution,
        deriveKey,
        hmacSignatureSecret,
        hmacKeySignatureSecret,
      });
      if (result.expired) throw await refuse(who, "expired");
      if (!result.verified) throw await refuse(who, "invalid");
      const expiresAtMs = payload.challenge.parameters.expiresAt * 1000;
      if (!(await ledger.claim(payload.challenge.signature, expiresAtMs))) throw await refuse(who, "used");
      const issuedAt = payload.challenge.parameters.data.at;
      metrics.challengeSolved(payload.solution.time ?? Date.now() - issuedAt, payload.solution.time === undefined ? "server" : "client");
    },
  };
}

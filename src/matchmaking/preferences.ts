import { z } from "zod";

export const INTERESTS_MAX = 10;
export const INTEREST_MAX_LENGTH = 32;

/**
 * The queue a user asks to wait in; users of different queues never meet. `moderated`
 * (the default): text is masked for slurs and profanity, images flagged as sensitive are
 * not delivered. `adult`: unmoderated, for users who declare they are 18 or older
 * (`ageConfirmed: true`); flagged images arrive marked `sensitive`.
 */
export const MatchQueue = { Moderated: "moderated", Adult: "adult" } as const;
export type MatchQueue = (typeof MatchQueue)[keyof typeof MatchQueue];

/** What a waiting user asks of a partner (`lobby:join`), normalised by the schema. */
export const matchPreferences = z.object({
  interests: z
    .array(z.string().trim().toLowerCase().min(1).max(INTEREST_MAX_LENGTH))
    .max(INTERESTS_MAX)
    .optional(),
  language: z.string().trim().toLowerCase().min(2).max(16).optional(),
  /** ISO 3166-1 alpha-2 code of the partner's country, e.g. "GB". */
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/).optional(),
});
export type MatchPreferences = z.infer<typeof matchPreferences>;

import { z } from "zod";
import { deviceIdSchema } from "../users/schemas.ts";
import { MAX_PASSWORD_BYTES } from "./passwords.ts";

const usernameSchema = z
  .string()
  .trim()
  .min(3, "must be at least 3 characters")
  .max(30, "must be at most 30 characters")
  .regex(/^[A-Za-z0-9_]+$/, "may contain only letters, digits and underscores");

const emailSchema = z.email("must be a valid email address").max(254).transform((e) => e.toLowerCase());

const passwordSchema = z
  .string()
  .min(8, "must be at least 8 characters")
  .refine((p) => Buffer.byteLength(p) <= MAX_PASSWORD_BYTES, `must be at most ${MAX_PASSWORD_BYTES} bytes`)
  .regex(/[a-z]/, "must contain a lowercase letter")
  .regex(/[A-Z]/, "must contain an uppercase letter")
  .regex(/[0-9]/, "must contain a digit");

export const registerBody = z.strictObject({
  username: usernameSchema,
  email: emailSchema,
  password: passwordSchema,
});

export const loginBody = z.strictObject({
  email: emailSchema,
  password: z.string().min(1, "is required").max(1024),
});

export const guestBody = z.strictObject({
  username: usernameSchema.optional(),
  deviceId: deviceIdSchema.optional(),
  altcha: z
    .string()
    .max(4096)
    .optional()
    .meta({ description: "The solved challenge of `GET /api/auth/challenge`: base64 of the JSON `{ challenge, solution }` (ALTCHA v2 payload). Required unless GUEST_CHALLENGE=false." }),
});

export const challengeQuery = z.strictObject({
  deviceId: deviceIdSchema.optional().meta({ description: "The device id the guest will send; the challenge is good only with it" }),
});

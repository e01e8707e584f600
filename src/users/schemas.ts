import { z } from "zod";

const MAX_PAGE_SIZE = 100;

export const deviceIdSchema = z
  .string()
  .min(8, "must be at least 8 characters")
  .max(128, "must be at most 128 characters")
  .regex(/^[A-Za-z0-9._:-]+$/, "may contain only letters, digits and . _ : -");

export const pageQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
});
export type PageQuery = z.infer<typeof pageQuery>;

export const userIdParams = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{24}$/, "must be a user id"),
});

export const deviceBody = z.strictObject({ deviceId: deviceIdSchema });

export const banBody = z
  .strictObject({
    reason: z.string().trim().min(1).max(500),
    hours: z.number().int().min(1).max(24 * 365 * 10).optional(),
    until: z.iso.datetime().optional(),
  })
  .refine((b) => (b.hours === undefined) !== (b.until === undefined), {
    message: "give either hours or until",
    path: ["hours"],
  });

/** Someone else as a user may see them: never their email. */
export const profileSchema = z.object({
  id: z.string(),
  username: z.string(),
  isGuest: z.boolean(),
  isOnline: z.boolean(),
  lastSeen: z.iso.datetime().nullable(),
});

export const paginationSchema = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
  pages: z.number().int(),
});

export const statsSchema = z.object({
  registered: z.number().int().meta({ description: "Accounts in the store, guests included" }),
  online: z.number().int().meta({ description: "Users connected to any room" }),
  waiting: z.number().int().meta({ description: "Users waiting for a match" }),
  inChat: z.number().int().meta({ description: "Users connected to a chat room" }),
  activeChats: z.number().int().meta({ description: "Live chat rooms" }),
  matchesLastHour: z.number().int(),
});

export const banSchema = z.object({
  userId: z.string(),
  until: z.iso.datetime(),
  reason: z.string(),
  by: z.string(),
  createdAt: z.iso.datetime(),
});

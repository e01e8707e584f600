import { z } from "zod";
import type { RouteDoc } from "../http/openapi.ts";
import { guestBody, loginBody, registerBody } from "./schemas.ts";

export const publicUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string().nullable(),
  isGuest: z.boolean(),
  isOnline: z.boolean(),
  lastSeen: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
}).meta({ id: "User", description: "The signed-in user, as they see themselves" });

const session = z
  .object({ token: z.string().meta({ description: "JWT for `Authorization: Bearer` and the Colyseus SDK" }), user: publicUserSchema })
  .meta({ id: "Session" });
const TAG = "Accounts";

export const authRouteDocs: RouteDoc[] = [
  {
    method: "POST",
    path: "/api/auth/register",
    tag: TAG,
    summary: "Create an account",
    body: registerBody,
    rateLimited: true,
    responses: { 201: { description: "Registered; a session for the new user", data: session } },
  },
  {
    method: "POST",
    path: "/api/auth/login",
    tag: TAG,
    summary: "Log in with email and password",
    description: "A wrong email and a wrong password get the same 401 INVALID_CREDENTIALS.",
    body: loginBody,
    rateLimited: true,
    responses: { 200: { description: "A session", data: session } },
  },
  {
    method: "POST",
    path: "/api/auth/guest",
    tag: TAG,
    summary: "Start a throwaway guest session",
    body: guestBody,
    rateLimited: true,
    responses: { 201: { description: "A guest session", data: session } },
  },
  {
    method: "GET",
    path: "/api/auth/me",
    tag: TAG,
    summary: "The current user",
    auth: "user",
    rateLimited: true,
    responses: { 200: { description: "The user behind the token", data: z.object({ user: publicUserSchema }) } },
  },
];

import { fetchAndSolveGuestChallenge } from "../../src/auth/guest-challenge-solver.ts";

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A real HTTP request; `body` may be an object (sent as JSON) or a raw string. */
export async function request<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(baseUrl + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // non-JSON bodies are returned as text so a test can show what it got
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

let counter = 0;
/** Unique, valid registration data. */
export function newAccount(prefix = "user") {
  counter += 1;
  const tag = `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 6)}`;
  return { username: tag.slice(0, 30), email: `${tag}@example.com`, password: "Password123" };
}

export async function registerUser(baseUrl: string, account = newAccount()) {
  const res = await request(baseUrl, "POST", "/api/auth/register", { body: account });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...account, token: res.body.data.token as string, id: res.body.data.user.id as string };
}

/** A guest sign-up body with the solved challenge the server asks for (asked from the same address, with the same device). */
export async function guestBody(baseUrl: string, fields: { username?: string; deviceId?: string } = {}, headers: Record<string, string> = {}) {
  return { ...fields, altcha: await fetchAndSolveGuestChallenge(baseUrl, fields.deviceId, headers) };
}

export async function registerGuest(baseUrl: string, username?: string) {
  const res = await request(baseUrl, "POST", "/api/auth/guest", { body: await guestBody(baseUrl, username ? { username } : {}) });
  if (res.status !== 201) throw new Error(`guest failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.data.token as string, id: res.body.data.user.id as string, username: res.body.data.user.username as string };
}

/** The `Authorization` header of HTTP Basic auth. */
export const basicAuth = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });

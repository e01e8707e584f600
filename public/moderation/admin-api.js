// The console's calls to /api/admin. The browser sends the admin credentials it was asked for when
// it opened this page (same realm), so no secret lives in the page.
import { readEnvelope } from "/api.js";

const send = async (method, path, body) =>
  readEnvelope(
    await fetch(`/api/admin${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    }),
  );

const query = (params) => {
  const defined = Object.entries(params).filter(([, value]) => value !== undefined && value !== null);
  return defined.length ? `?${new URLSearchParams(defined)}` : "";
};

export const PAGE_SIZE = 20;

export const adminApi = {
  reports: (before) => send("GET", `/reports${query({ limit: PAGE_SIZE, before })}`),
  dismissReport: (id) => send("DELETE", `/reports/${encodeURIComponent(id)}`),
  user: (id) => send("GET", `/users/${encodeURIComponent(id)}`),
  /** `{ reason, hours }` or `{ reason, until }` (an ISO time). */
  ban: (id, ban) => send("POST", `/users/${encodeURIComponent(id)}/ban`, ban),
  unban: (id, reason) => send("DELETE", `/users/${encodeURIComponent(id)}/ban`, reason ? { reason } : {}),
  shadowPool: (offset) => send("GET", `/shadow-pool${query({ offset, limit: PAGE_SIZE })}`),
  audit: (before) => send("GET", `/audit${query({ limit: PAGE_SIZE, before })}`),
};

// The REST calls the page makes, each answering the envelope's `data` or throwing an ApiError.

export class ApiError extends Error {
  constructor(status, code, message, errors = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    /** `[{ field, message }]` for a VALIDATION_FAILED or USER_EXISTS answer. */
    this.errors = errors;
  }
}

/** The data of a `{ success, data }` answer, or an ApiError made from its `{ code, message, errors }`. */
export async function readEnvelope(response) {
  const body = await response.json().catch(() => null);
  if (response.ok) return body?.data;
  const errors = Array.isArray(body?.errors) ? body.errors : [];
  throw new ApiError(response.status, body?.code ?? "HTTP_ERROR", body?.message ?? `${response.status} ${response.statusText}`, errors);
}

/** `token()` is read at each call, so the same api object works before and after signing in. */
export function createApi(token) {
  const authorization = () => ({ authorization: `Bearer ${token()}` });

  const send = async (method, path, body) => {
    const headers = { ...authorization() };
    if (body !== undefined && !(body instanceof FormData)) headers["content-type"] = "application/json";
    const payload = body instanceof FormData || body === undefined ? body : JSON.stringify(body);
    return readEnvelope(await fetch(path, { method, headers, body: payload }));
  };

  return {
    /** `altcha` is the solved guest challenge (see guest-challenge.js), if the server asks one. */
    guest: (username, altcha) => send("POST", "/api/auth/guest", { ...(username ? { username } : {}), ...(altcha ? { altcha } : {}) }),
    login: (email, password) => send("POST", "/api/auth/login", { email, password }),
    register: (username, email, password) => send("POST", "/api/auth/register", { username, email, password }),
    me: () => send("GET", "/api/auth/me"),

    /** STUN/TURN servers for a call; a server without the endpoint gives none (host candidates still connect on a LAN). */
    async iceServers() {
      try {
        return (await send("GET", "/api/rtc/ice-servers")).iceServers ?? [];
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return [];
        throw error;
      }
    },

    /** `kind` is "file" or "voice"; answers `{ fileId, name, mime, size, duration? }`. */
    upload(kind, roomId, blob, name) {
      const form = new FormData();
      form.set("roomId", roomId);
      form.set(kind, blob, name);
      return send("POST", kind === "voice" ? "/api/uploads/voice" : "/api/uploads", form);
    },

    async download(fileId) {
      const response = await fetch(`/api/uploads/${encodeURIComponent(fileId)}`, { headers: authorization() });
      if (!response.ok) await readEnvelope(response);
      return response.blob();
    },

    block: (userId) => send("POST", `/api/users/${encodeURIComponent(userId)}/block`),
    stats: () => send("GET", "/api/users/stats"),
  };
}

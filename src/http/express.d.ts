import type { User } from "../users/store.ts";

declare global {
  namespace Express {
    interface Request {
      /** Correlates every log line of one request; echoed as `X-Request-Id`. */
      id: string;
      /** The authenticated user, set by `requireAuth`. */
      user?: User;
    }
  }
}

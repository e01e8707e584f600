import { matchMaker } from "@colyseus/core";

/** Colyseus answers CORS for its matchmaking routes (and sets headers on every request): apply our policy. */
export function applyCorsPolicy(corsHeadersFor: (origin: string | undefined) => Record<string, string>): void {
  matchMaker.controller.DEFAULT_CORS_HEADERS = {} as typeof matchMaker.controller.DEFAULT_CORS_HEADERS;
  matchMaker.controller.getCorsHeaders = (headers: Headers) => corsHeadersFor(headers.get("origin") ?? undefined);
}

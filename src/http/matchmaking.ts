import type http from "node:http";
import { ErrorCode as ColyseusErrorCode, type Server } from "@colyseus/core";
import express, { type RequestHandler, type Response as ExpressResponse } from "express";
import { AppErrorCode, Errors, errorCatalogue, type HttpErrorCode } from "../errors/index.ts";
import { pinClientIp } from "./client-ip.ts";

/** Colyseus's HTTP matchmaking (`POST /matchmake/:method/:roomName`), served as an Express route. */
export interface MatchmakingBridge {
  handler: RequestHandler;
  /**
   * Once Colyseus listens: connects the route to its router (until then it answers
   * 503) and hands the HTTP `request` event, which Colyseus took over, back to Express.
   */
  attach(gameServer: Pick<Server, "router">, httpServer: http.Server, app: http.RequestListener): void;
}

/**
 * How long a matchmaking request may take. Past it (Redis frozen or gone, a process
 * that does not answer), the client gets a 503 it can act on instead of a request
 * that hangs; whatever Colyseus answers later is dropped.
 */
const MATCHMAKING_TIMEOUT_MS = 3000;

/**
 * Colyseus's 52x codes that name a client's mistake, as the HTTP status a client
 * acts on. The SDK's `MatchMakeError.code` is the HTTP status; the body keeps the
 * Colyseus code as `colyseusCode` and the message.
 */
const CLIENT_MISTAKES: Record<number, HttpErrorCode> = {
  [ColyseusErrorCode.MATCHMAKE_NO_HANDLER]: AppErrorCode.NOT_FOUND,
  [ColyseusErrorCode.MATCHMAKE_INVALID_CRITERIA]: AppErrorCode.NOT_FOUND,
  [ColyseusErrorCode.MATCHMAKE_INVALID_ROOM_ID]: AppErrorCode.NOT_FOUND,
  [ColyseusErrorCode.MATCHMAKE_EXPIRED]: AppErrorCode.EXPIRED,
  [ColyseusErrorCode.AUTH_FAILED]: AppErrorCode.UNAUTHORIZED,
};

/** How long the rest of a refused body is read (and discarded) so the client sees the answer, before the connection is cut. */
const LINGER_MS = 1000;

/** Refuses a body without reading it: what the client still sends is discarded for a moment, then the connection is cut. */
function refuseUnread(req: Parameters<RequestHandler>[0], res: ExpressResponse): void {
  res.once("finish", () => {
    if (req.complete) return;
    const cut = setTimeout(() => req.socket.destroy(), LINGER_MS);
    cut.unref();
    req.once("end", () => clearTimeout(cut));
  });
}

/**
 * What a matchmaking request may carry, checked before a byte of it is buffered:
 * a JSON body declaring its length (the SDK always does) within `JSON_BODY_LIMIT`.
 * A larger declared length is refused at once and never read; so is a body without
 * a declared length (chunked).
 */
export function matchmakingBody(limitBytes: number): RequestHandler[] {
  const guard: RequestHandler = (req, res, next) => {
    if (req.headers["transfer-encoding"] !== undefined) {
      refuseUnread(req, res);
      return next(Errors.lengthRequired());
    }
    if (Number(req.headers["content-length"] ?? 0) > limitBytes) {
      refuseUnread(req, res);
      return next(Errors.payloadTooLarge());
    }
    if (req.is("application/json") === false) {
      return next(Errors.unsupportedMediaType("Matchmaking takes a JSON body"));
    }
    next();
  };
  return [guard, express.json({ limit: limitBytes, strict: true })];
}

function headersOf(req: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === "content-length" || name === "transfer-encoding" || name === "connection") continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

/** Colyseus's router, fed the body Express already parsed and bounded. */
function toColyseusRequest(req: Parameters<RequestHandler>[0]): Request {
  const body = req.body === undefined ? undefined : JSON.stringify(req.body);
  return new Request(`http://${req.headers.host ?? "localhost"}${req.originalUrl}`, { method: "POST", headers: headersOf(req), body });
}

/** Colyseus's answer: a seat as is; a refusal in Pairline's error envelope, client mistakes as 4xx. */
async function answer(res: ExpressResponse, response: Response): Promise<void> {
  const text = await response.text();
  if (response.ok) {
    res.status(response.status).type("application/json").send(text);
    return;
  }
  let refusal: { code?: unknown; error?: unknown; message?: unknown } = {};
  try {
    refusal = JSON.parse(text);
  } catch {
    // a refusal without a JSON body keeps its status only
  }
  const colyseusCode = typeof refusal.code === "number" ? refusal.code : response.status;
  const mistake = CLIENT_MISTAKES[colyseusCode];
  const message = String(refusal.error ?? refusal.message ?? response.statusText ?? "Matchmaking failed").slice(0, 300);
  if (response.status === 503) throw Errors.unavailable(message);
  if (!mistake && response.status >= 500) throw new Error(`Matchmaking failed (${colyseusCode}): ${message}`);
  const code = mistake ?? AppErrorCode.BAD_REQUEST;
  const status = mistake ? errorCatalogue[mistake].status : response.status;
  res.status(status).json({ success: false, message, code, colyseusCode });
}

/**
 * Express, not Colyseus, owns the HTTP side: matchmaking requests then pass the
 * same CORS policy, rate limit, body limit, access log and metrics as the REST API,
 * and reach Colyseus's router with the client address Express trusts.
 */
export function createMatchmakingBridge(timeoutMs = MATCHMAKING_TIMEOUT_MS): MatchmakingBridge {
  let route: ((request: Request) => Promise<Response>) | undefined;
  return {
    handler: (req, res, next) => {
      if (!route) return next(Errors.unavailable("Matchmaking is not available yet"));
      pinClientIp(req, req.app.get("trust proxy fn"));
      let timedOut = false;
      const timer = setTimeout(() => {
        if (res.headersSent) return;
        timedOut = true;
        next(Errors.unavailable("Matchmaking is not answering right now; try again shortly"));
      }, timeoutMs);
      route(toColyseusRequest(req))
        .then((response) => (timedOut ? undefined : answer(res, response)))
        .catch((error: unknown) => {
          if (!timedOut) next(error);
        })
        .finally(() => clearTimeout(timer));
    },
    attach(gameServer, httpServer, app) {
      route = (request) => gameServer.router.handler(request);
      httpServer.removeAllListeners("request");
      httpServer.on("request", app);
    },
  };
}

import type http from "node:http";
import { ErrorCode as ColyseusErrorCode, ServerError, createAuthContext, matchMaker, type Server, type Transport } from "@colyseus/core";
import express, { type RequestHandler, type Response as ExpressResponse } from "express";
import { AppErrorCode, Errors, errorCatalogue, type HttpErrorCode } from "../errors/index.ts";
import { pinAddress } from "./client-ip.ts";

/** Colyseus's HTTP matchmaking (`POST /matchmake/:method/:roomName`), served as an Express route. */
export interface MatchmakingBridge {
  handler: RequestHandler;
  /**
   * Once Colyseus listens: opens the route (until then it answers 503) and hands the HTTP `request` event, which Colyseus took over, back to Express.
   */
  attach(gameServer: Pick<Server, "transport">, httpServer: http.Server, app: http.RequestListener): void;
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

/**
 * What Colyseus's own route (`postMatchmakeMethod` in `router/default_routes`) does, called
 * directly: that route wants a fetch `Request` (URL, `Headers`, a body to parse again) and
 * answers a `Response` to read back, which cost more than the seat itself.
 */
async function reserveSeat(req: Parameters<RequestHandler>[0], transport: Transport): Promise<string> {
  if (matchMaker.state === matchMaker.MatchMakerState.SHUTTING_DOWN) throw Errors.unavailable("The server is shutting down");
  const { method, roomName } = req.params as { method: string; roomName: string };
  const seat = await matchMaker.controller.invokeMethod(method, roomName, req.body, createAuthContext({ headers: req.headers as Record<string, string | undefined>, req }));
  if (transport.protocol !== undefined) seat.protocol = transport.protocol;
  if (transport.fingerprint !== undefined) seat.fingerprint = transport.fingerprint;
  return JSON.stringify(seat);
}

/** A refusal in Pairline's error envelope, client mistakes as 4xx; the status Colyseus's route would have answered decides the rest. */
function refuse(res: ExpressResponse, error: unknown): void {
  if (!(error instanceof ServerError)) throw error;
  const colyseusCode = error.code;
  const mistake = CLIENT_MISTAKES[colyseusCode];
  const message = String(error.message || "Matchmaking failed").slice(0, 300);
  const status = colyseusCode >= 200 && colyseusCode <= 599 ? colyseusCode : 500;
  if (status === 503) throw Errors.unavailable(message);
  if (!mistake && status >= 500) throw new Error(`Matchmaking failed (${colyseusCode}): ${message}`);
  const code = mistake ?? AppErrorCode.BAD_REQUEST;
  res.status(mistake ? errorCatalogue[mistake].status : status).json({ success: false, message, code, colyseusCode });
}

/**
 * Express, not Colyseus, owns the HTTP side: matchmaking requests then pass the
 * same CORS policy, rate limit, body limit, access log and metrics as the REST API,
 * and reach Colyseus's matchmaker with the body Express parsed and bounded and the
 * client address Express trusts.
 */
export function createMatchmakingBridge(timeoutMs = MATCHMAKING_TIMEOUT_MS): MatchmakingBridge {
  let transport: Transport | undefined;
  return {
    handler: (req, res, next) => {
      if (!transport) return next(Errors.unavailable("Matchmaking is not available yet"));
      pinAddress(req, req.ip);
      let timedOut = false;
      const timer = setTimeout(() => {
        if (res.headersSent) return;
        timedOut = true;
        next(Errors.unavailable("Matchmaking is not answering right now; try again shortly"));
      }, timeoutMs);
      reserveSeat(req, transport)
        .then((seat) => {
          if (!timedOut) res.status(200).set("content-type", "application/json; charset=utf-8").end(seat);
        }, (error: unknown) => {
          if (!timedOut) refuse(res, error);
        })
        .catch((error: unknown) => {
          if (!timedOut) next(error);
        })
        .finally(() => clearTimeout(timer));
    },
    attach(gameServer, httpServer, app) {
      transport = gameServer.transport;
      httpServer.removeAllListeners("request");
      httpServer.on("request", app);
    },
  };
}

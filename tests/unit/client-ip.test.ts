import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { createAuthContext } from "@colyseus/core";
import proxyaddr from "proxy-addr";
import { pinClientIp } from "../../src/http/client-ip.ts";

function upgradeRequest(headers: Record<string, string>): IncomingMessage {
  return { headers: { ...headers }, socket: { remoteAddress: "10.0.0.5" }, connection: { remoteAddress: "10.0.0.5" } } as unknown as IncomingMessage;
}

/** The address Colyseus hands to `onAuth` and `beforeUpgrade`. */
const colyseusIp = (req: IncomingMessage) =>
  createAuthContext({ headers: req.headers as Record<string, string>, remoteAddress: req.socket.remoteAddress }).ip;

describe("the client address Colyseus sees", () => {
  const forged = { "x-forwarded-for": "203.0.113.9", "x-real-ip": "198.51.100.7" };

  it("is the socket's when no proxy is trusted, whatever the headers claim", () => {
    const req = upgradeRequest(forged);
    assert.equal(colyseusIp(req), "198.51.100.7", "Colyseus alone believes the header");
    pinClientIp(req, proxyaddr.compile([]));
    assert.equal(colyseusIp(req), "10.0.0.5");
  });

  it("is the forwarded one when the proxy it came through is trusted", () => {
    const req = upgradeRequest({ "x-forwarded-for": "203.0.113.9" });
    pinClientIp(req, proxyaddr.compile("10.0.0.0/8"));
    assert.equal(colyseusIp(req), "203.0.113.9");
  });
});

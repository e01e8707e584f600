import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import WebSocket from "ws";
import { LobbyServerMessage, type SeatReservation } from "../../rooms/protocol.ts";
import { registerGuest, request } from "../helpers/http.ts";
import { enterLobby, newUser } from "../helpers/realtime.ts";
import { bootServer, tempDir, type TestServer } from "../helpers/server.ts";

const APP = "https://app.example";
const EVIL = "https://evil.example";

async function reserveLobbySeat(baseUrl: string, token: string): Promise<SeatReservation> {
  const res = await request(baseUrl, "POST", "/matchmake/joinOrCreate/lobby", { token, body: {} });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as SeatReservation;
}

/** Opens a WebSocket on the seat as a browser page from `origin` would; resolves with 101 or the refusal status. */
function upgradeFrom(baseUrl: string, seat: SeatReservation, origin: string): Promise<number> {
  const url = `${baseUrl.replace(/^http/, "ws")}/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}`;
  const ws = new WebSocket(url, { origin });
  return new Promise((resolve, reject) => {
    ws.once("upgrade", () => {
      ws.close();
      resolve(101);
    });
    ws.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once("error", reject);
  });
}

describe("security at the edge", () => {
  describe(`with CORS_ORIGIN=${APP}`, () => {
    let server: TestServer;
    before(async () => {
      server = await bootServer({ CORS_ORIGIN: APP });
    });
    after(() => server.stop());

    /** A browser's preflight for a POST with a token, from a page of `origin`. */
    const preflight = (path: string, origin: string) =>
      fetch(`${server.baseUrl}${path}`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization" },
      });

    async function assertPreflightPolicy(path: string): Promise<void> {
      const foreign = await preflight(path, EVIL);
      assert.equal(foreign.status, 403);
      assert.equal(foreign.headers.get("access-control-allow-origin"), null);
      assert.equal(foreign.headers.get("access-control-allow-credentials"), null);
      const allowed = await preflight(path, APP);
      assert.equal(allowed.status, 204);
      assert.equal(allowed.headers.get("access-control-allow-origin"), APP);
    }

    it("gives a foreign origin no CORS headers on REST and refuses its preflight", async () => {
      const foreign = await fetch(`${server.baseUrl}/health`, { headers: { origin: EVIL } });
      assert.equal(foreign.headers.get("access-control-allow-origin"), null);
      await assertPreflightPolicy("/api/auth/guest");
    });

    it("applies the same policy to Colyseus's matchmaking route", async () => {
      await assertPreflightPolicy("/matchmake/joinOrCreate/lobby");

      const { token } = await registerGuest(server.baseUrl);
      const foreign = await request(server.baseUrl, "POST", "/matchmake/joinOrCreate/lobby", {
        token,
        body: {},
        headers: { origin: EVIL },
      });
      assert.equal(foreign.headers.get("access-control-allow-origin"), null, "a page from there cannot read the seat");
    });

    it("refuses a WebSocket upgrade from a foreign origin and accepts one from the app", async () => {
      const { token } = await registerGuest(server.baseUrl);
      assert.equal(await upgradeFrom(server.baseUrl, await reserveLobbySeat(server.baseUrl, token), EVIL), 403);
      assert.equal(await upgradeFrom(server.baseUrl, await reserveLobbySeat(server.baseUrl, token), APP), 101);
    });
  });

  describe("with the default CORS_ORIGIN", () => {
    let server: TestServer;
    before(async () => {
      server = await bootServer();
    });
    after(() => server.stop());

    it("the chat preflight answers CORS per CORS_ORIGIN", async () => {
      const res = await fetch(`${server.baseUrl}/matchmake/joinOrCreate/lobby`, {
        method: "OPTIONS",
        headers: { origin: "https://example.com" },
      });
      assert.ok(res.status < 300);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      assert.equal(res.headers.get("access-control-allow-credentials"), null);
    });
  });

  describe("request heads", () => {
    it("refuses oversized request headers", async () => {
      const server = await bootServer({ MAX_HEADER_BYTES: "4096" });
      try {
        const res = await fetch(`${server.baseUrl}/health`, { headers: { "x-padding": "a".repeat(8192) } });
        assert.equal(res.status, 431);
        assert.equal((await fetch(`${server.baseUrl}/health`)).status, 200);
      } finally {
        await server.stop();
      }
    });
  });

  describe("the access log of a WebSocket join", () => {
    it("holds the path but never the token, and an address X-Forwarded-For cannot forge", async () => {
      const logDir = tempDir("pairline-logs-");
      const logFile = path.join(logDir, "combined.log");
      const server = await bootServer({ LOG_DIR: logDir, LOG_LEVEL: "http", LOG_CONSOLE: "false", TRUST_PROXY: "false" });
      try {
        const user = await newUser(server.baseUrl);
        const session = await enterLobby(user);
        await session.inbox.next(LobbyServerMessage.ConnectionEstablished);
        const spoofed = new WebSocket(`${server.baseUrl.replace(/^http/, "ws")}/nowhere/none?_authToken=${user.token}`, {
          headers: { "x-forwarded-for": "203.0.113.9" },
        });
        await new Promise((resolve) => spoofed.once("close", resolve).once("error", resolve));
        await session.room.leave();

        const upgradeLines = () =>
          (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "")
            .split("\n")
            .filter((line) => line.includes('"message":"upgrade"'));
        for (let i = 0; i < 50 && upgradeLines().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
        const upgrades = upgradeLines().map((line) => JSON.parse(line));
        assert.equal(upgrades.length, 2, "one line per upgrade");
        assert.match(upgrades[0].path, /^\/[\w-]+\/[\w-]+$/, "the room path, without its query");
        assert.ok(upgrades.every((l) => l.ip === "127.0.0.1"), "the socket's address, not the header's");

        const log = fs.readFileSync(logFile, "utf8");
        assert.ok(!log.includes(user.token), "no token");
        assert.doesNotMatch(log, /_authToken|eyJ[\w-]+\.[\w-]+\.[\w-]+/);
        assert.ok(!log.includes("203.0.113.9"));
      } finally {
        await server.stop();
        fs.rmSync(logDir, { recursive: true, force: true });
      }
    });
  });
});

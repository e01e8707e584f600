import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Protocol } from "@colyseus/core";
import WebSocket, { WebSocketServer } from "ws";
import { createLogger } from "../../src/logger/index.ts";
import { ConnectionLogs } from "../../src/realtime/connection-logs.ts";
import { guardedSocketClass } from "../../src/realtime/guarded-socket.ts";
import { GuardedWebSocketTransport } from "../../src/realtime/guarded-transport.ts";
import { StaggeredHeartbeat } from "../../src/realtime/staggered-heartbeat.ts";

const logger = createLogger({ isProduction: false, log: { level: "silent", dir: "/tmp", console: false } });

/** A ws server whose connections are guarded sockets, and a plain client connected to it. */
async function connectedPair(outputBufferBytes = 1024 * 1024) {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, WebSocket: guardedSocketClass({ outputBufferBytes, logs: new ConnectionLogs(logger), logger }) });
  const accepted = new Promise<WebSocket>((resolve) => wss.once("connection", resolve));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const serverSide = await accepted;
  await new Promise((resolve) => client.once("open", resolve));
  const close = async () => {
    client.terminate();
    wss.close();
    await new Promise((resolve) => server.close(resolve));
  };
  return { serverSide, client, close };
}

describe("a guarded connection", () => {
  it("sends the frames of one turn in one write: its socket stays corked until the turn ends", async () => {
    const { serverSide, client, close } = await connectedPair();
    try {
      const received: string[] = [];
      const all = new Promise<void>((resolve) => client.on("message", (data) => received.push(String(data)) === 3 && resolve()));
      const socket = (serverSide as unknown as { _socket: import("node:net").Socket })._socket;
      for (const text of ["message", "ack", "patch"]) serverSide.send(text);
      assert.equal(socket.writableCorked, 1, "corked while the turn sends");
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(socket.writableCorked, 0, "uncorked once the turn is over");
      await all;
      assert.deepEqual(received, ["message", "ack", "patch"]);
    } finally {
      await close();
    }
  });

  it("answers the handshake in the same write as the connection's first frame", async () => {
    const server = http.createServer();
    const transport = new GuardedWebSocketTransport({ server, pingInterval: 0, outputBufferBytes: 1024 * 1024, logs: new ConnectionLogs(logger), logger });
    const writes: string[] = [];
    server.prependListener("upgrade", (_request, socket: import("node:net").Socket) => {
      // What leaves for the network: each call is one system call on the socket.
      const raw = socket as unknown as Record<"_write" | "_writev", (...args: any[]) => void>;
      const [write, writev] = [raw._write, raw._writev];
      raw._write = function (chunk, ...rest) { writes.push(Buffer.from(chunk).toString("latin1")); return write.call(this, chunk, ...rest); };
      raw._writev = function (chunks, ...rest) { writes.push(chunks.map((c: { chunk: Buffer | string }) => Buffer.from(c.chunk).toString("latin1")).join("")); return writev.call(this, chunks, ...rest); };
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      // No seat is reserved for this session: the transport answers with an error frame.
      const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/process/room?sessionId=nobody`);
      await new Promise((resolve) => client.once("close", resolve));
      assert.match(writes[0]!, /^HTTP\/1.1 101 /);
      assert.ok(writes[0]!.includes("seat reservation expired"), `the first write carries the answer and the error frame: ${JSON.stringify(writes)}`);
    } finally {
      transport.shutdown();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("is closed with 4002 on a frame no Colyseus client sends", async () => {
    const { client, close } = await connectedPair();
    try {
      const closed = new Promise<number>((resolve) => client.once("close", resolve));
      client.send(Buffer.from([0xff, 0x13, 0x37]));
      assert.equal(await closed, 4002);
    } finally {
      await close();
    }
  });

  it("is not pinged on the heartbeat's turn after it sent a message, and is pinged on the next", async () => {
    const { serverSide, client, close } = await connectedPair();
    try {
      let pings = 0;
      client.on("ping", () => pings++);
      const heard = new Promise((resolve) => serverSide.once("message", resolve));
      client.send(Buffer.from([Protocol.PING]));
      await heard;
      const heartbeat = new StaggeredHeartbeat(new Set([serverSide]), 100, 3);
      heartbeat.tick();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(pings, 0, "a message answers the heartbeat as a pong would");
      const pinged = new Promise((resolve) => client.once("ping", resolve));
      heartbeat.tick();
      await pinged;
      assert.equal(pings, 1);
    } finally {
      await close();
    }
  });
});

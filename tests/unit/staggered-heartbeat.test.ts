import assert from "node:assert/strict";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { heardFrom, StaggeredHeartbeat } from "../../src/realtime/staggered-heartbeat.ts";

type Pinged = WebSocket & { pingCount: number };

describe("the heartbeat spread over its interval", () => {
  let server: WebSocketServer;
  let clients: WebSocket[] = [];

  beforeEach(async () => {
    server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    // What the ws transport does for each connection: pings unanswered, reset by a pong.
    server.on("connection", (socket: Pinged) => {
      socket.pingCount = 0;
      socket.on("pong", () => (socket.pingCount = 0));
    });
    await once(server, "listening");
  });

  afterEach(async () => {
    for (const client of clients) client.terminate();
    clients = [];
    await new Promise((resolve) => server.close(resolve));
  });

  async function connect(count: number, options: { autoPong: boolean }): Promise<WebSocket[]> {
    const port = (server.address() as AddressInfo).port;
    const opened = Array.from({ length: count }, () => new WebSocket(`ws://127.0.0.1:${port}`, options));
    clients.push(...opened);
    await Promise.all(opened.map((client) => once(client, "open")));
    while (server.clients.size < clients.length) await new Promise((resolve) => setImmediate(resolve));
    return opened;
  }

  const pinged = () => [...server.clients].filter((socket) => (socket as Pinged).pingCount > 0).length;

  it("pings a share of the connections per tick, and each of them once a round", async () => {
    await connect(7, { autoPong: false });
    const heartbeat = new StaggeredHeartbeat(server.clients, 300, 2);
    assert.equal(heartbeat.tickMs, 100);
    heartbeat.tick();
    assert.equal(pinged(), 3, "a third of 7, rounded up, in the first tick");
    heartbeat.tick();
    assert.equal(pinged(), 6);
    heartbeat.tick();
    assert.equal(pinged(), 7, "the round's last tick takes the rest");
    assert.deepEqual([...server.clients].map((s) => (s as Pinged).pingCount), [1, 1, 1, 1, 1, 1, 1], "nobody twice in one round");
    heartbeat.tick();
    assert.equal([...server.clients].filter((s) => (s as Pinged).pingCount === 2).length, 3, "the next round starts over");
  });

  it("cuts off a connection that stopped answering after the allowed unanswered pings, and keeps one that answers", async () => {
    const [silent] = await connect(1, { autoPong: false });
    const [answering] = await connect(1, { autoPong: true });
    const [silentSide, answeringSide] = [...server.clients];
    const heartbeat = new StaggeredHeartbeat(server.clients, 100, 2);
    for (let round = 1; round <= 2; round++) {
      heartbeat.tick();
      await once(answeringSide!, "pong");
    }
    assert.equal(silent!.readyState, WebSocket.OPEN, "two unanswered pings are allowed");
    heartbeat.tick();
    await once(silent!, "close");
    assert.equal(silentSide!.readyState, WebSocket.CLOSED);
    assert.equal(answering!.readyState, WebSocket.OPEN);
    assert.equal(server.clients.size, 1);
  });

  it("does not ping a connection that sent a message since its last turn, and keeps it however long it does not pong", async () => {
    const [talking, silent] = await connect(2, { autoPong: false });
    const [talkingSide, silentSide] = [...server.clients] as Pinged[];
    let pingsToTalking = 0;
    talking!.on("ping", () => pingsToTalking++);
    const heartbeat = new StaggeredHeartbeat(server.clients, 100, 2);
    for (let round = 1; round <= 3; round++) {
      heardFrom(talkingSide!);
      heartbeat.tick();
    }
    await once(silent!, "close");
    assert.equal(talking!.readyState, WebSocket.OPEN);
    assert.equal(talkingSide!.pingCount, 0);
    heartbeat.tick();
    await once(talking!, "ping");
    assert.equal(pingsToTalking, 1, "pinged only once it went quiet");
    assert.equal(silentSide!.readyState, WebSocket.CLOSED);
  });
});

import assert from "node:assert/strict";
import { ChatClientMessage, ChatServerMessage } from "../../rooms/protocol.ts";
import { request } from "../helpers/http.ts";
import { Scrape } from "../helpers/metrics.ts";
import { Inbox, chattingPair, say } from "../helpers/realtime.ts";
import { bootServer, type TestServer } from "../helpers/server.ts";

describe("metrics of the realtime service", () => {
  let server: TestServer;
  before(async () => {
    server = await bootServer({ RECONNECT_GRACE: "5" });
  });
  after(() => server.stop());

  it("count a match, its wait, the rooms, the clients and what the pair relays", async () => {
    const before = await Scrape.of(server.baseUrl);
    const [a, b] = await chattingPair(server.baseUrl);
    await say(a, "hello stranger");
    a.room.send(ChatClientMessage.Typing, { typing: true });
    await b.inbox.next(ChatServerMessage.Typing);
    a.room.send(ChatClientMessage.CallStats, { outcome: "relayed" });
    a.room.send(ChatClientMessage.Message, { type: "text", content: 42 });
    await a.inbox.next(ChatServerMessage.Error);
    await say(a, "flush");

    const after = await Scrape.of(server.baseUrl);
    const delta = (name: string, labels?: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    assert.equal(delta("pairline_matches_total"), 1);
    assert.equal(delta("pairline_time_to_match_seconds_count"), 2, "one wait observed per user");
    assert.equal(delta("pairline_messages_relayed_total", { type: "chat:message" }), 2);
    assert.equal(delta("pairline_messages_relayed_total", { type: "chat:typing" }), 1);
    assert.equal(delta("pairline_calls_total", { outcome: "relayed" }), 1);
    assert.equal(delta("pairline_validation_errors_total", { source: "room" }), 1);
    assert.ok(after.value("pairline_rooms", { room: "chat" }) >= 1);
    assert.ok(after.value("pairline_connected_clients") >= 2);
    assert.equal(after.value("pairline_match_queue_length"), 0);
    assert.ok(
      delta("pairline_http_requests_total", { method: "POST", route: "/matchmake/:method/:roomName", status: "200" }) >= 2,
      "the matchmaking requests are counted by route pattern",
    );
  });

  it("count a reconnection", async () => {
    const before = await Scrape.of(server.baseUrl);
    const [a, b] = await chattingPair(server.baseUrl);
    const token = a.room.reconnectionToken;
    await a.room.leave(false);
    await b.inbox.next(ChatServerMessage.PartnerDisconnected);
    const back = await a.user.client.reconnect(token);
    new Inbox(back);
    await b.inbox.next(ChatServerMessage.PartnerReconnected);
    const after = await Scrape.of(server.baseUrl);
    assert.equal(
      after.value("pairline_reconnections_total", { outcome: "reconnected" }) -
        before.value("pairline_reconnections_total", { outcome: "reconnected" }),
      1,
    );
  });

  it("count REST validation errors", async () => {
    const before = await Scrape.of(server.baseUrl);
    const res = await request(server.baseUrl, "POST", "/api/auth/register", { body: { username: "x" } });
    assert.equal(res.status, 400);
    const after = await Scrape.of(server.baseUrl);
    assert.equal(after.value("pairline_validation_errors_total", { source: "rest" }) - before.value("pairline_validation_errors_total", { source: "rest" }), 1);
  });

  it("realtime stats: counts for anyone (the seed's curl), process details only with a valid token", async () => {
    const [a] = await chattingPair(server.baseUrl);
    const open = await request(server.baseUrl, "GET", "/api/socket/stats");
    assert.equal(open.status, 200);
    const counts = open.body.data;
    assert.deepEqual(Object.keys(counts).sort(), ["clients", "rooms", "roomsByType", "service", "uptime"]);
    assert.ok(counts.rooms >= 1 && counts.roomsByType.chat >= 1);
    assert.ok(counts.clients >= 2 && counts.uptime >= 0);
    assert.deepEqual(counts.service, { processes: 1, rooms: counts.rooms, clients: counts.clients });
    assert.ok(!JSON.stringify(counts).includes(a.user.id), "no user data");

    const res = await request(server.baseUrl, "GET", "/api/socket/stats", { token: a.user.token });
    assert.equal(res.status, 200);
    const stats = res.body.data;
    assert.ok(stats.memory.rss > 0);
    assert.equal(stats.processes.length, 1);
    assert.equal(stats.processes[0].processId, stats.processId);

    assert.equal((await request(server.baseUrl, "GET", "/api/socket/stats", { token: "not-a-jwt" })).status, 401);
  });
});

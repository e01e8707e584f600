import assert from "node:assert/strict";
import { bootServer, type TestServer } from "../../helpers/server.ts";
import { Inbox, chattingPair, say } from "../../helpers/realtime.ts";
import { ChatServerMessage } from "../../../rooms/protocol.ts";

describe("realtime: a dropped connection", () => {
  let server: TestServer;
  before(async () => {
    server = await bootServer({ RECONNECT_GRACE: "2" });
  });
  after(async () => {
    await server.stop();
  });

  it("may come back within the grace and then gets, in order, what the partner sent meanwhile", async () => {
    const [a, b] = await chattingPair(server.baseUrl);
    const token = a.room.reconnectionToken;
    await a.room.leave(false);
    assert.deepEqual(await b.inbox.next(ChatServerMessage.PartnerDisconnected), { userId: a.user.id });

    const first = await say(b, "are you there?", "m1");
    const second = await say(b, "hello?", "m2");

    const back = await a.user.client.reconnect(token);
    const inbox = new Inbox(back);
    assert.deepEqual(await b.inbox.next(ChatServerMessage.PartnerReconnected), { userId: a.user.id });
    const got = [await inbox.next(ChatServerMessage.Message), await inbox.next(ChatServerMessage.Message)];
    assert.deepEqual(got.map((m) => [m.id, m.content]), [[first.id, "are you there?"], [second.id, "hello?"]]);

    back.send("chat:message", { type: "text", content: "sorry, tunnel", clientMessageId: "r1" });
    assert.equal((await b.inbox.next(ChatServerMessage.Message)).content, "sorry, tunnel");
  });

  it("past the grace, the partner is told the chat is over", async () => {
    const [a, b] = await chattingPair(server.baseUrl);
    await a.room.leave(false);
    await b.inbox.next(ChatServerMessage.PartnerDisconnected);
    const left = await b.inbox.next(ChatServerMessage.PartnerLeft, 10_000);
    assert.deepEqual(left, { userId: a.user.id, reason: "timeout" });
  });
});

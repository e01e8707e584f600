import assert from "node:assert/strict";
import { bootServer, type TestServer } from "../../helpers/server.ts";
import { chattingPair, say } from "../../helpers/realtime.ts";
import { ChatClientMessage, ChatServerMessage } from "../../../rooms/protocol.ts";

describe("realtime: chatting with a matched stranger", () => {
  let server: TestServer;
  before(async () => {
    server = await bootServer();
  });
  after(async () => {
    await server.stop();
  });

  it("two users are matched and chat both ways, each message acknowledged with the id the partner got", async () => {
    const [a, b] = await chattingPair(server.baseUrl);
    assert.equal(a.partner.id, b.user.id);
    assert.equal(b.partner.id, a.user.id);

    const ackA = await say(a, "hello there", "c1");
    const atB = await b.inbox.next(ChatServerMessage.Message);
    const { signature, ...message } = atB;
    assert.deepEqual(message, { type: "text", content: "hello there", id: ackA.id, from: a.user.id, timestamp: ackA.timestamp });
    assert.match(signature, /^[A-Za-z0-9_-]{43}$/, "relayed messages carry the server's signature");
    // The seed's format: an ISO 8601 string in UTC, the server's clock.
    assert.match(atB.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(atB.timestamp) - Date.now()) < 60_000);

    const ackB = await say(b, "hi!", "c2");
    const atA = await a.inbox.next(ChatServerMessage.Message);
    assert.equal(atA.content, "hi!");
    assert.equal(atA.id, ackB.id);
    assert.equal(atA.from, b.user.id);
    assert.equal(ackB.clientMessageId, "c2");
  });

  it("typing and clear reach the partner, and typing shows in the room state", async () => {
    const [a, b] = await chattingPair(server.baseUrl);
    a.room.send(ChatClientMessage.Typing, { typing: true });
    const typing = await b.inbox.next(ChatServerMessage.Typing);
    assert.equal(typing.typing, true);
    assert.equal(typing.from, a.user.id);
    await new Promise<void>((resolve) => {
      const check = () => (b.room.state as any).participants.get(a.user.id)?.typing === true && resolve();
      b.room.onStateChange(check);
      check();
    });

    b.room.send(ChatClientMessage.Clear);
    const clear = await a.inbox.next(ChatServerMessage.Clear);
    assert.equal(clear.from, b.user.id);
    assert.equal(typeof clear.id, "string");
  });

  it("a call offer with an 8 KB SDP, its answer and ICE candidates are relayed", async () => {
    const [a, b] = await chattingPair(server.baseUrl);
    const sdp = "v=0\r\n" + "a=candidate:1 1 udp 2122260223 10.0.0.1 54321 typ host\r\n".repeat(150);
    assert.ok(sdp.length > 8 * 1024);
    a.room.send(ChatClientMessage.Offer, { offer: { type: "offer", sdp }, type: "video" });
    const offer = await b.inbox.next(ChatServerMessage.Offer);
    assert.equal(offer.offer.sdp, sdp);
    assert.equal(offer.type, "video");
    assert.equal(offer.from, a.user.id);

    b.room.send(ChatClientMessage.Answer, { answer: { type: "answer", sdp: "v=0\r\n" } });
    assert.equal((await a.inbox.next(ChatServerMessage.Answer)).answer.type, "answer");

    const candidate = { candidate: "candidate:1 1 udp 1 10.0.0.2 5000 typ host", sdpMid: "0", sdpMLineIndex: 0 };
    b.room.send(ChatClientMessage.IceCandidate, { candidate });
    assert.deepEqual((await a.inbox.next(ChatServerMessage.IceCandidate)).candidate, candidate);

    a.room.send(ChatClientMessage.EndCall);
    assert.equal((await b.inbox.next(ChatServerMessage.EndCall)).from, a.user.id);
  });
});

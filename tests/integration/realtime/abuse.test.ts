import assert from "node:assert/strict";
import { bootServer, type TestServer } from "../../helpers/server.ts";
import { request } from "../../helpers/http.ts";
import {
  Inbox,
  askForMatch,
  chattingPair,
  enterLobby,
  newUser,
  rawSeat,
  say,
  whenClosed,
} from "../../helpers/realtime.ts";
import { ChatClientMessage, ChatServerMessage, RoomName } from "../../../rooms/protocol.ts";

describe("realtime: bad input never harms anyone else", () => {
  let server: TestServer;
  before(async () => {
    server = await bootServer({ RATE_LIMIT_ROOM_MESSAGES: "20" });
  });
  after(async () => {
    await server.stop();
  });

  it("an invalid payload or an unknown type gets an error to its sender only, who stays connected", async () => {
    const [a, b] = await chattingPair(server.baseUrl);
    a.room.send(ChatClientMessage.Message, { type: "text", content: "x".repeat(4001) });
    assert.equal((await a.inbox.next("error")).code, "INVALID_PAYLOAD");
    a.room.send(ChatClientMessage.Typing, { typing: "very" });
    assert.equal((await a.inbox.next("error")).code, "INVALID_PAYLOAD");
    a.room.send("chat:shout", { content: "HEY" });
    assert.equal((await a.inbox.next("error")).code, "UNKNOWN_TYPE");
    a.room.send(ChatClientMessage.Message, { type: "file", fileId: "f1" });
    assert.equal((await a.inbox.next("error")).code, "UNKNOWN_FILE");

    await say(a, "still connected");
    assert.equal((await b.inbox.next(ChatServerMessage.Message)).content, "still connected");
    assert.equal(b.inbox.pending("error").length, 0);
  });

  it("a flood is answered with RATE_LIMITED and dropped, while the partner's chat continues", async () => {
    const [a, b] = await chattingPair(server.baseUrl);
    const flood = 40;
    for (let i = 0; i < flood; i++) {
      a.room.send(ChatClientMessage.Message, { type: "text", content: `spam ${i}`, clientMessageId: `s${i}` });
    }
    const acks = () => a.inbox.count(ChatServerMessage.Ack);
    const refusals = () => a.inbox.count("error");
    await a.inbox.until(() => acks() + refusals() === flood);
    const errors = a.inbox.pending("error") as Array<{ code: string }>;
    assert.ok(errors.every((e) => e.code === "RATE_LIMITED"));
    assert.ok(acks() <= 21, `${acks()} messages got through a budget of 20`);
    assert.ok(refusals() >= flood - 21);

    await say(b, "calm down", "b1");
    let last;
    do last = await a.inbox.next(ChatServerMessage.Message);
    while (last.content !== "calm down");
  });

  it("random bytes and truncated frames on a raw socket close only that socket", async () => {
    const [a, b] = await chattingPair(server.baseUrl);
    const intruder = await newUser(server.baseUrl);
    const rawLobby = async () => {
      const res = await request(server.baseUrl, "POST", `/matchmake/joinOrCreate/${RoomName.Lobby}`, { body: {}, token: intruder.token });
      assert.equal(res.status, 200);
      return rawSeat(server.baseUrl, res.body, intruder.token);
    };

    const noisy = await rawLobby();
    const noisyClosed = whenClosed(noisy);
    noisy.send(Buffer.from([0xff, 0x13, 0x37, 0x00, 0x42, 0x99]));
    assert.equal(await noisyClosed, 4002);

    const truncating = await rawLobby();
    const truncatedClosed = whenClosed(truncating);
    const whole = Buffer.concat([
      Buffer.from([13, 0xa0 | "user:match".length]),
      Buffer.from("user:match"),
      Buffer.from([0x81, 0xab]),
      Buffer.from("preferences"),
      Buffer.from([0x81, 0xa8]),
      Buffer.from("language"),
    ]);
    truncating.send(whole.subarray(0, whole.length - 3));
    assert.equal(await truncatedClosed, 4002);

    await say(a, "nothing happened here");
    assert.equal((await b.inbox.next(ChatServerMessage.Message)).content, "nothing happened here");
  });
});

describe("realtime: a client that stops reading", () => {
  let server: TestServer;
  before(async () => {
    server = await bootServer({ OUTPUT_BUFFER_BYTES: "65536", RATE_LIMIT_ROOM_MESSAGES: "100000" });
  });
  after(async () => {
    await server.stop();
  });

  it("is cut off once its unsent output passes the bound, without holding up its partner", async function () {
    this.timeout(30_000);
    const [lobbyA, lobbyB] = await Promise.all([newUser(server.baseUrl).then(enterLobby), newUser(server.baseUrl).then(enterLobby)]);
    const [ma, mb] = await Promise.all([askForMatch(lobbyA), askForMatch(lobbyB)]);
    const a = {
      room: await lobbyA.user.client.consumeSeatReservation(ma.reservation as any),
    };
    const inbox = new Inbox(a.room);
    const stalled = await rawSeat(server.baseUrl, mb.reservation, lobbyB.user.token);
    (stalled as any)._socket.pause();

    const sdp = "a=x\r\n".repeat(8000);
    let batches = 0;
    while (inbox.pending(ChatServerMessage.PartnerDisconnected).length === 0) {
      assert.ok(++batches <= 200, "the stalled reader was never cut off");
      for (let i = 0; i < 20; i++) a.room.send(ChatClientMessage.Offer, { offer: { type: "offer", sdp }, type: "audio" });
      a.room.send(ChatClientMessage.Message, { type: "text", content: "probe", clientMessageId: `p${batches}` });
      const ack = await inbox.next(ChatServerMessage.Ack);
      assert.equal(ack.clientMessageId, `p${batches}`);
    }
    assert.deepEqual(await inbox.next(ChatServerMessage.PartnerDisconnected), { userId: lobbyB.user.id });
    stalled.terminate();
  });
});

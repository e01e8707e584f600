import assert from "node:assert/strict";
import { ChatServerMessage, LobbyClientMessage, LobbyServerMessage, RoomErrorCode } from "../../../rooms/protocol.ts";
import { chattingPairWith as chatIn, enterLobby, newUser, say, waitingWith as waiting } from "../../helpers/realtime.ts";
import { bootServer, type TestServer } from "../../helpers/server.ts";

const WIDEN_MS = 300;
const ADULT = { queue: "adult", ageConfirmed: true };

describe("safety: the moderated and the 18+ queues", () => {
  let server: TestServer;
  before(async () => {
    server = await bootServer({ MATCH_WIDEN_AFTER_MS: String(WIDEN_MS) });
  });
  after(() => server.stop());

  it("a moderated user and an 18+ user never meet, even once anyone will do; each meets the next user of their own queue", async () => {
    const moderated = await waiting(server.baseUrl, {});
    const adult = await waiting(server.baseUrl, ADULT);
    await new Promise((resolve) => setTimeout(resolve, WIDEN_MS + 2000));
    assert.equal(moderated.inbox.count(LobbyServerMessage.Matched), 0, "the moderated user was not paired across queues");
    assert.equal(adult.inbox.count(LobbyServerMessage.Matched), 0, "nor the 18+ user");

    const adult2 = await waiting(server.baseUrl, ADULT);
    const moderated2 = await waiting(server.baseUrl, { queue: "moderated" });
    assert.equal((await adult.inbox.next(LobbyServerMessage.Matched)).matchedUser.id, adult2.user.id);
    assert.equal((await moderated.inbox.next(LobbyServerMessage.Matched)).matchedUser.id, moderated2.user.id);
    await Promise.all([moderated, adult, adult2, moderated2].map((s) => s.room.leave()));
  });

  it("the 18+ queue is refused without the declaration of age, and the user is not queued", async () => {
    const session = await newUser(server.baseUrl).then(enterLobby);
    session.room.send(LobbyClientMessage.Match, { queue: "adult" });
    const error = await session.inbox.next(LobbyServerMessage.Error);
    assert.equal(error.code, RoomErrorCode.INVALID_PAYLOAD);
    assert.match(error.message, /ageConfirmed/);
    const other = await waiting(server.baseUrl, ADULT);
    await new Promise((resolve) => setTimeout(resolve, WIDEN_MS + 1500));
    assert.equal(other.inbox.count(LobbyServerMessage.Matched), 0);
    await Promise.all([session, other].map((s) => s.room.leave()));
  });

  it("a moderated chat masks profanity, obscured spellings too; an 18+ chat relays text as written", async () => {
    const [a, b] = await chatIn(server.baseUrl, {});
    await say(a, "what the fuck, you b1tch");
    const masked = await b.inbox.next(ChatServerMessage.Message);
    assert.doesNotMatch(masked.content, /fuck|b1tch/i);
    assert.match(masked.content, /^what the \*{4}, you \*{5}$/);
    await say(a, "a clean sentence stays as it is");
    assert.equal((await b.inbox.next(ChatServerMessage.Message)).content, "a clean sentence stays as it is");

    const [c, d] = await chatIn(server.baseUrl, ADULT);
    await say(c, "what the fuck");
    assert.equal((await d.inbox.next(ChatServerMessage.Message)).content, "what the fuck");
    await Promise.all([a, b, c, d].map((side) => side.room.leave()));
  });
});

import assert from "node:assert/strict";
import { ChatClientMessage, ChatServerMessage } from "../../../rooms/protocol.ts";
import { askForMatch, enterLobby, newUser, takeSeat, type ChatSide, type TestUser } from "../../helpers/realtime.ts";
import { bootServer, type TestServer } from "../../helpers/server.ts";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `count` messages at once; resolves with how many were relayed and how many refused as RATE_LIMITED. */
export async function flood(side: ChatSide, count: number, tag: string): Promise<{ relayed: number; refused: number }> {
  const acks = side.inbox.count(ChatServerMessage.Ack);
  const errors = side.inbox.count("error");
  for (let i = 0; i < count; i++) side.room.send(ChatClientMessage.Message, { type: "text", content: `${tag} ${i}`, clientMessageId: `${tag}${i}` });
  const relayed = () => side.inbox.count(ChatServerMessage.Ack) - acks;
  const refused = () => side.inbox.count("error") - errors;
  await side.inbox.until(() => relayed() + refused() === count, 10_000);
  const codes = side.inbox.pending("error").splice(0).map((e) => (e as { code: string }).code);
  assert.ok(codes.every((code) => code === "RATE_LIMITED"), codes.join());
  return { relayed: relayed(), refused: refused() };
}

/** `user` (already known to the server) and a fresh partner, matched and seated in a chat. */
export async function chatWithNewPartner(baseUrl: string, user: TestUser): Promise<[ChatSide, ChatSide]> {
  const sessions = await Promise.all([enterLobby(user), newUser(baseUrl).then(enterLobby)]);
  const matched = await Promise.all(sessions.map((session) => askForMatch(session)));
  return (await Promise.all(sessions.map((session, i) => takeSeat(session, matched[i]!)))) as [ChatSide, ChatSide];
}

describe("realtime: the message budget follows the user", () => {
  let server: TestServer;
  before(async () => {
    server = await bootServer({ RATE_LIMIT_ROOM_MESSAGES: "60" });
  });
  after(() => server.stop());

  it("a user who used up the budget and skips to a new chat is still limited there", async function () {
    this.timeout(60_000);
    const flooder = await newUser(server.baseUrl);
    const [first] = await chatWithNewPartner(server.baseUrl, flooder);
    const spent = await flood(first, 80, "first");
    assert.ok(spent.relayed <= 60 && spent.refused >= 19, `${spent.relayed} relayed of a budget of 60`);
    await first.room.leave();
    await wait(1500); // one message's worth comes back (one a second), for asking for the next partner
    const [second, partner] = await chatWithNewPartner(server.baseUrl, flooder);
    const again = await flood(second, 10, "second");
    assert.ok(again.relayed <= 2, `${again.relayed} of 10 relayed in the new chat: the budget was spent`);
    await partner.inbox.until(() => partner.inbox.count(ChatServerMessage.Message) === again.relayed);
  });
});

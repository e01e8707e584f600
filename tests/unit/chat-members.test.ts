import assert from "node:assert/strict";
import type { IRoomCache } from "@colyseus/core";
import { chatMembersMetadata, listedChatMembership } from "../../rooms/chat-members.ts";

describe("who may use a chat's uploads (its listing's members)", () => {
  const listings = new Map<string, Partial<IRoomCache>>();
  const membership = listedChatMembership(async (roomId) => listings.get(roomId) as IRoomCache | undefined);

  it("names the two members of a live chat, and nobody once its listing is gone", async () => {
    listings.set("chat-1", { roomId: "chat-1", metadata: chatMembersMetadata(["ann", "bob"], 3600) });
    assert.deepEqual(await membership.membersOf("chat-1"), ["ann", "bob"]);
    listings.delete("chat-1");
    assert.equal(await membership.membersOf("chat-1"), null);
  });

  it("names nobody past the chat's lifetime, as its uploads are gone by then", async () => {
    listings.set("old-chat", { roomId: "old-chat", metadata: chatMembersMetadata(["ann", "bob"], 60, Date.now() - 61_000) });
    assert.equal(await membership.membersOf("old-chat"), null);
  });

  it("names nobody for a room that is not a chat, or a listing whose metadata is not members", async () => {
    listings.set("lobby-1", { roomId: "lobby-1" });
    listings.set("odd", { roomId: "odd", metadata: { members: ["only-one"], until: Date.now() + 60_000 } });
    assert.equal(await membership.membersOf("lobby-1"), null);
    assert.equal(await membership.membersOf("odd"), null);
  });
});

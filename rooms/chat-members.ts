import type { Presence } from "@colyseus/core";
import type { ChatMembership } from "../src/uploads/membership.ts";

/**
 * The two members of each live chat, in presence, so that any process can tell who
 * may use a chat's uploads. The chat room publishes them when it opens and removes
 * them when it closes; the expiry only matters for a process that died meanwhile.
 */
const membersKey = (roomId: string) => `pairline:chat-members:${roomId}`;

export async function publishChatMembers(
  presence: Presence,
  roomId: string,
  members: readonly [string, string],
  ttlSeconds: number,
): Promise<void> {
  await presence.setex(membersKey(roomId), JSON.stringify(members), ttlSeconds);
}

export async function forgetChatMembers(presence: Presence, roomId: string): Promise<void> {
  await presence.del(membersKey(roomId));
}

export function presenceChatMembership(presence: Presence): ChatMembership {
  return {
    async membersOf(roomId) {
      const raw = await presence.get(membersKey(roomId));
      if (raw === null || raw === undefined) return null;
      const members = JSON.parse(String(raw)) as unknown;
      return Array.isArray(members) && members.length === 2 ? [String(members[0]), String(members[1])] : null;
    },
  };
}

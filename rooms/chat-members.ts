import type { IRoomCache } from "@colyseus/core";
import type { ChatMembership } from "../src/uploads/membership.ts";

/**
 * The two members of each live chat, in its room listing's metadata, so that any
 * process can tell who may use a chat's uploads with one read of the listing. They
 * are written with the listing when the room opens and go with it when the room is
 * disposed (before `onDispose` deletes the uploads) or its dead process's rooms are
 * cleaned up; they count for the chat's lifetime at most, as its uploads last.
 */
interface ChatMembers {
  members: [string, string];
  /** Ms since the epoch after which the chat's uploads are refused, as they are gone. */
  until: number;
}

export function chatMembersMetadata(members: readonly [string, string], lifetimeSeconds: number, now = Date.now()): ChatMembers {
  return { members: [members[0], members[1]], until: now + lifetimeSeconds * 1000 };
}

function membersIn(metadata: unknown, now: number): readonly [string, string] | null {
  const { members, until } = (metadata ?? {}) as Partial<ChatMembers>;
  if (!Array.isArray(members) || members.length !== 2 || typeof until !== "number" || now > until) return null;
  return [String(members[0]), String(members[1])];
}

/** Reads the members from the listing `find` gives for a room id (Colyseus's `matchMaker.getRoomById`). */
export function listedChatMembership(find: (roomId: string) => Promise<IRoomCache | undefined>): ChatMembership {
  return {
    async membersOf(roomId) {
      return membersIn((await find(roomId))?.metadata, Date.now());
    },
  };
}

import { matchMaker, type Presence } from "@colyseus/core";
import { RoomName } from "../../rooms/protocol.ts";
import type { PeopleDirectory } from "../users/directory.ts";
import { matchesInLastHour } from "./match-stats.ts";
import type { OnlineUsers } from "../presence/index.ts";
import type { MatchQueue } from "./queue.ts";

/** The user endpoints' view of presence: online users, the queue and live chats, across every process. */
export function presenceDirectory(presence: Presence, online: OnlineUsers, queue: MatchQueue): PeopleDirectory {
  return {
    async onlinePage(offset, limit) {
      const { ids, total } = await online.page(offset, limit);
      return { items: ids, total };
    },
    onlineCount: () => online.count(),
    // Reads the whole queue until the queue can read a range (the matching rewrite).
    async waitingPage(offset, limit, exceptId) {
      const waiting = (await queue.entries())
        .filter((e) => e.userId !== exceptId)
        .map((e) => ({ id: e.userId, username: e.username, since: e.since }))
        .sort((a, b) => a.since - b.since);
      return { items: waiting.slice(offset, offset + limit), total: waiting.length };
    },
    waitingCount: () => queue.size(),
    async chats() {
      const rooms = await matchMaker.query({ name: RoomName.Chat });
      return { rooms: rooms.length, people: rooms.reduce((sum, room) => sum + room.clients, 0) };
    },
    matchesInLastHour: () => matchesInLastHour(presence),
  };
}

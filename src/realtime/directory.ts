import { matchMaker, type Presence } from "@colyseus/core";
import { RoomName } from "../../rooms/protocol.ts";
import type { PeopleDirectory } from "../users/directory.ts";
import { matchesInLastHour } from "./match-stats.ts";
import type { OnlineUsers } from "../presence/index.ts";
import type { WaitingQueue } from "../matchmaking/index.ts";

/** The user endpoints' view of presence: online users, the queue and live chats, across every process. */
export function presenceDirectory(presence: Presence, online: OnlineUsers, queue: WaitingQueue): PeopleDirectory {
  return {
    async onlinePage(offset, limit) {
      const { ids, total } = await online.page(offset, limit);
      return { items: ids, total };
    },
    onlineCount: () => online.count(),
    async waitingPage(offset, limit, exceptId) {
      const { users, total } = await queue.page(offset, limit, exceptId);
      return { items: users, total };
    },
    waitingCount: () => queue.size(),
    async chats() {
      const rooms = await matchMaker.query({ name: RoomName.Chat });
      return { rooms: rooms.length, people: rooms.reduce((sum, room) => sum + room.clients, 0) };
    },
    matchesInLastHour: () => matchesInLastHour(presence),
  };
}

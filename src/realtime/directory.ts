import { matchMaker, type Presence } from "@colyseus/core";
import { RoomName } from "../../rooms/protocol.ts";
import type { PeopleDirectory } from "../users/directory.ts";
import { matchesInLastHour } from "./match-stats.ts";
import type { OnlineTracker } from "./online.ts";
import type { MatchQueue } from "./queue.ts";

/** The user endpoints' view of presence: online users, the queue and live chats, across every process. */
export function presenceDirectory(presence: Presence, online: OnlineTracker, queue: MatchQueue): PeopleDirectory {
  return {
    onlineIds: () => online.list(),
    onlineCount: () => online.count(),
    async waiting() {
      const entries = await queue.entries();
      return entries
        .map((e) => ({ id: e.userId, username: e.username, since: e.since }))
        .sort((a, b) => a.since - b.since);
    },
    waitingCount: () => queue.size(),
    async chats() {
      const rooms = await matchMaker.query({ name: RoomName.Chat });
      return { rooms: rooms.length, people: rooms.reduce((sum, room) => sum + room.clients, 0) };
    },
    matchesInLastHour: () => matchesInLastHour(presence),
  };
}

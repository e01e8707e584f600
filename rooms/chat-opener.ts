import { matchMaker, type Presence } from "@colyseus/core";
import { RoomName, type SeatReservation } from "./protocol.ts";
import { notifyLobby } from "./lobby-channel.ts";
import { recordMatch } from "../src/matchmaking/match-stats.ts";
import type { SeatAuth } from "../src/auth/seat.ts";
import type { QueueEntry } from "../src/matchmaking/entry.ts";
import type { PairHandoff } from "../src/matchmaking/handoff.ts";
import type { OpenChat } from "../src/matchmaking/matchmaker.ts";

const seatAuth = (entry: QueueEntry): SeatAuth => ({ id: entry.userId, username: entry.username });
const profileOf = (entry: QueueEntry) =>
  entry.shareCountry && entry.country
    ? { id: entry.userId, username: entry.username, country: entry.country }
    : { id: entry.userId, username: entry.username };

/** Creates a private chat room for the pair, reserves a seat for each, and tells each lobby session. */
export function createChatOpener(presence: Presence, handoff: PairHandoff): OpenChat {
  return async (a, b) => {
    const pairKey = await handoff.record([seatAuth(a), seatAuth(b)]);
    const room = await matchMaker.createRoom(RoomName.Chat, { pairKey, queue: a.queue });
    const [seatA, seatB] = await Promise.all([
      matchMaker.reserveSeatFor(room, {}, seatAuth(a)),
      matchMaker.reserveSeatFor(room, {}, seatAuth(b)),
    ]);
    for (const [entry, seat, partner] of [[a, seatA, b], [b, seatB, a]] as const) {
      notifyLobby(presence, entry.lobbyId, {
        kind: "matched",
        sessionId: entry.sessionId,
        matched: {
          reservation: seat as SeatReservation,
          roomId: room.roomId,
          matchedUser: profileOf(partner),
        },
      });
    }
    await recordMatch(presence);
  };
}

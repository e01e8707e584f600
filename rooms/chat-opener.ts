import { generateId, matchMaker, type IRoomCache, type Presence } from "@colyseus/core";
import { RoomName, type SeatReservation } from "./protocol.ts";
import { notifyLobby } from "./lobby-channel.ts";
import type { MatchCounter } from "../src/matchmaking/match-stats.ts";
import type { SeatAuth } from "../src/auth/seat.ts";
import type { QueueEntry } from "../src/matchmaking/entry.ts";
import type { PairHandoff } from "../src/matchmaking/handoff.ts";
import type { PrepareChat } from "../src/matchmaking/chat-hosts.ts";

const seatAuth = (entry: QueueEntry): SeatAuth => ({ id: entry.userId, username: entry.username });
const profileOf = (entry: QueueEntry) =>
  entry.shareCountry && entry.country
    ? { id: entry.userId, username: entry.username, country: entry.country }
    : { id: entry.userId, username: entry.username };

/**
 * Both seats in one call to the room (one pub/sub request when it lives on another process,
 * instead of one per seat); refused as a whole, as either seat alone would be.
 */
async function reserveBothSeats(room: IRoomCache, users: [SeatAuth, SeatAuth]): Promise<[SeatReservation, SeatReservation]> {
  const seats = users.map((auth) => ({ sessionId: generateId(), options: {}, auth }));
  const reserved = await matchMaker.reserveMultipleSeatsFor(room, seats);
  if (!reserved.every(Boolean)) throw new Error(`chat ${room.roomId} refused a seat`);
  const [a, b] = seats.map((seat) => matchMaker.buildSeatReservation(room, seat.sessionId) as SeatReservation);
  return [a!, b!];
}

/** Creates a private chat room for the pair and reserves a seat for each; what it returns tells each lobby session. */
export function createChatOpener(presence: Presence, handoff: PairHandoff, matches: MatchCounter): PrepareChat {
  return async (a, b) => {
    const pairKey = await handoff.record([seatAuth(a), seatAuth(b)]);
    const room = await matchMaker.createRoom(RoomName.Chat, { pairKey, queue: a.queue });
    const [seatA, seatB] = await reserveBothSeats(room, [seatAuth(a), seatAuth(b)]);
    return () => {
      for (const [entry, seat, partner] of [[a, seatA, b], [b, seatB, a]] as const) {
        notifyLobby(presence, entry.lobbyId, {
          kind: "matched",
          sessionId: entry.sessionId,
          matched: {
            reservation: seat,
            roomId: room.roomId,
            matchedUser: profileOf(partner),
          },
        });
      }
      matches.record();
    };
  };
}

import { CloseCode, matchMaker, type Client, type Presence } from "@colyseus/core";
import { RoomErrorCode, type ErrorPayload } from "../../rooms/protocol.ts";
import type { Ban } from "../users/safety-store.ts";

const BANS_CHANNEL = "pairline:bans";

interface BanNotice {
  userId: string;
  until: string;
}

/** Tells every process about a ban, so each closes the banned user's connections it holds. */
export function announceBan(presence: Presence, ban: Ban): void {
  const notice: BanNotice = { userId: ban.userId, until: ban.until.toISOString() };
  presence.publish(BANS_CHANNEL, notice);
}

/** A room that holds a seat for a dropped user (the reconnection grace) and gives it up when that user is banned. */
interface HoldsSeatsOfDropped {
  releaseBannedUser(userId: string): void;
}

const holdsSeatsOfDropped = (room: object): room is HoldsSeatsOfDropped =>
  typeof (room as Partial<HoldsSeatsOfDropped>).releaseBannedUser === "function";

/**
 * Closes, in this process, every room connection of a user who was just banned, with an
 * `error` saying so, and frees the seats held for them while they are dropped, so that
 * no reconnection brings them back.
 */
export async function evictBanned(presence: Presence): Promise<() => void> {
  const evict = async ({ userId, until }: BanNotice) => {
    const rooms = await matchMaker.query({ processId: matchMaker.processId });
    for (const { roomId } of rooms) {
      const room = matchMaker.getLocalRoomById(roomId);
      if (!room) continue;
      for (const client of (room.clients as Client[]).filter((c) => (c.auth as { id?: string } | undefined)?.id === userId)) {
        const error: ErrorPayload = { code: RoomErrorCode.BANNED, message: `Banned until ${until}` };
        client.send("error", error);
        client.leave(CloseCode.CONSENTED);
      }
      if (holdsSeatsOfDropped(room)) room.releaseBannedUser(userId);
    }
  };
  await presence.subscribe(BANS_CHANNEL, evict);
  return () => presence.unsubscribe(BANS_CHANNEL, evict);
}

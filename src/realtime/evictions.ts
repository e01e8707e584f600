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

/** Closes, in this process, every room connection of a user who was just banned, with an `error` saying so. */
export async function evictBanned(presence: Presence): Promise<() => void> {
  const evict = async ({ userId, until }: BanNotice) => {
    const rooms = await matchMaker.query({ processId: matchMaker.processId });
    for (const { roomId } of rooms) {
      const clients = (matchMaker.getLocalRoomById(roomId)?.clients ?? []) as Client[];
      for (const client of clients.filter((c) => (c.auth as { id?: string } | undefined)?.id === userId)) {
        const error: ErrorPayload = { code: RoomErrorCode.Banned, message: `Banned until ${until}` };
        client.send("error", error);
        client.leave(CloseCode.CONSENTED);
      }
    }
  };
  await presence.subscribe(BANS_CHANNEL, evict);
  return () => presence.unsubscribe(BANS_CHANNEL, evict);
}

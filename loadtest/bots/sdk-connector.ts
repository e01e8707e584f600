import { Client, type Room } from "@colyseus/sdk";
import { RoomName } from "../../rooms/protocol.ts";
import { identityFrom, identityRequest, type AuthMode, type ChatLink, type Connector, type Identity, type RoomLink } from "./link.ts";
import type { Challenge } from "altcha-lib";
import { solveGuestChallenge } from "../../src/auth/guest-challenge-solver.ts";

/** A room of the official SDK, seen as a link. */
function roomLink(room: Room): ChatLink {
  return {
    roomId: room.roomId,
    send: (type, payload) => room.send(type, payload),
    onMessage: (handler) => void room.onMessage("*", (type, payload) => handler(String(type), payload)),
    onClose: (handler) => void room.onLeave((code) => handler(code)),
    onReconnect: (handler) => void room.onReconnect(() => handler()),
    leave: async () => {
      await room.leave(true);
    },
    // 4010 is what the SDK itself uses when the browser goes offline: the server sees a drop.
    drop: () => room.connection.close(4010, "network lost"),
  };
}

/** Solves the server's guest challenge as a person's browser would; undefined when the target asks none (404). */
async function solvedGuestChallenge(endpoint: string): Promise<string | undefined> {
  const response = await fetch(`${endpoint}/api/auth/challenge`);
  if (response.status === 404) return undefined;
  const { data } = (await response.json()) as { data: { challenge: Challenge } };
  return solveGuestChallenge(data.challenge);
}

/**
 * Bots on `@colyseus/sdk`, for Pairline and the bare Colyseus baseline. Each kind of
 * request goes to the endpoints in turn, as a load balancer spreads them (one turn for
 * every request would send, with two endpoints, every token request to one and every
 * lobby to the other); a seat is taken on whichever process holds the room (the SDK
 * follows the reservation).
 */
export function sdkConnector(endpoints: string[], auth: AuthMode): Connector {
  const turns = { token: 0, lobby: 0 };
  let tags = 0;
  const next = (kind: keyof typeof turns) => endpoints[turns[kind]++ % endpoints.length]!;
  const clientAt = (endpoint: string, token?: string) => {
    const client = new Client(endpoint);
    if (token) client.auth.token = token;
    return client;
  };
  return {
    async identify(): Promise<Identity> {
      const { path, body } = identityRequest(auth, `${process.pid}_${++tags}`);
      const endpoint = next("token");
      const altcha = auth === "guest" ? await solvedGuestChallenge(endpoint) : undefined;
      const response = await clientAt(endpoint).http.post(path, { body: altcha ? { ...body, altcha } : body });
      return identityFrom(response.data);
    },
    async enterLobby(identity): Promise<RoomLink> {
      return roomLink(await clientAt(next("lobby"), identity.token).joinOrCreate(RoomName.Lobby));
    },
    async takeSeat(identity, matched): Promise<ChatLink> {
      // The reservation names the process that holds the room.
      return roomLink(await clientAt(endpoints[0]!, identity.token).consumeSeatReservation(matched.reservation as never));
    },
    close() {},
  };
}

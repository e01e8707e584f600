import type { LobbyServerMessage, LobbyServerPayloads } from "../../rooms/protocol.ts";

/**
 * What a bot needs from a server, whatever it is built on: a token, a lobby, a seat
 * in a chat. Every target speaks the same message names and payload shapes
 * (`rooms/protocol.ts`); only the transport under them differs.
 */
export interface Identity {
  token: string;
  userId: string;
  username: string;
}

export type MessageHandler = (type: string, payload: any) => void;

export interface RoomLink {
  send(type: string, payload?: unknown): void;
  onMessage(handler: MessageHandler): void;
  /** The connection ended for good: left, kicked, or a drop that could not be recovered. */
  onClose(handler: (code: number) => void): void;
  leave(): Promise<void>;
}

export interface ChatLink extends RoomLink {
  /** The chat's room id, which uploads to this chat name. */
  readonly roomId: string;
  /** Cuts the connection the way a network loss does; the link then reconnects by itself. */
  drop(): void;
  onReconnect(handler: () => void): void;
}

export type Matched = LobbyServerPayloads[typeof LobbyServerMessage.Matched];

export interface Connector {
  /** Gets a token the way a client would (guest session, or registration). */
  identify(): Promise<Identity>;
  enterLobby(identity: Identity): Promise<RoomLink>;
  takeSeat(identity: Identity, matched: Matched): Promise<ChatLink>;
  /** Lets go of anything shared by this connector's links. */
  close(): void;
}

export type AuthMode = "guest" | "register";

/** The body of the token request; registration needs unique credentials. */
export function identityRequest(auth: AuthMode, tag: string): { path: string; body: Record<string, string> } {
  if (auth === "guest") return { path: "/api/auth/guest", body: {} };
  const name = `bot_${tag}`.slice(0, 30);
  return { path: "/api/auth/register", body: { username: name, email: `${name}@bots.invalid`, password: "Password123" } };
}

/** Reads `{ data: { token, user: { id, username } } }`, the envelope every target answers with. */
export function identityFrom(body: unknown): Identity {
  const data = (body as { data?: { token?: unknown; user?: { id?: unknown; username?: unknown } } } | undefined)?.data;
  if (typeof data?.token !== "string" || typeof data.user?.id !== "string") {
    throw new Error(`unexpected token response: ${JSON.stringify(body).slice(0, 200)}`);
  }
  return { token: data.token, userId: data.user.id, username: String(data.user.username ?? "") };
}

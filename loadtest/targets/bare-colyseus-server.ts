/**
 * Colyseus with Pairline's lobby → chat flow and nothing else: a token that is
 * trusted as it is, a lobby room that pairs whoever asks, a chat room that stamps,
 * relays and acknowledges messages and keeps a dropped seat for a while. No
 * validation, no rate limits, no state schema, no store. It measures what the
 * engine costs. With REDIS_URL it runs on Redis presence and driver, like a
 * multi-process deployment.
 */
import {
  CloseCode,
  LocalDriver,
  LocalPresence,
  Room,
  Server,
  matchMaker,
  type Client,
  type MatchMakerDriver,
  type Presence,
} from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import {
  ChatClientMessage,
  ChatServerMessage,
  LobbyClientMessage,
  LobbyServerMessage,
  PartnerLeftReason,
  RoomName,
} from "../../rooms/protocol.ts";
import "./exit-with-parent.ts";
import { LastPartners } from "./last-partner.ts";
import { BASELINE_RECONNECT_SECONDS } from "./wire.ts";

interface BareUser {
  id: string;
  username: string;
}
type BareClient = Client<{ auth: BareUser }>;
/** Every seat comes from `onAuth` or from the lobby's reservation, so a client always has its user. */
const userOf = (client: BareClient): BareUser => client.auth!;

let nextUser = 0;
let nextId = 0;
const lastPartners = new LastPartners();

class BareLobby extends Room<{ client: BareClient }> {
  override maxClients = 1000;
  readonly waiting: BareClient[] = [];

  static override async onAuth(token: string): Promise<BareUser> {
    return { id: token, username: `guest_${token}` };
  }

  override onCreate(): void {
    this.onMessage(LobbyClientMessage.Match, (client: BareClient) => this.match(client));
  }

  override onJoin(client: BareClient): void {
    client.send(LobbyServerMessage.ConnectionEstablished, { userId: userOf(client).id, username: userOf(client).username, online: this.clients.length });
  }

  override onLeave(client: BareClient): void {
    const index = this.waiting.indexOf(client);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  async match(client: BareClient): Promise<void> {
    const partner = lastPartners.takePartner(this.waiting, userOf(client).id, (c) => userOf(c).id);
    if (!partner) {
      this.waiting.push(client);
      client.send(LobbyServerMessage.Queued, { position: this.waiting.length });
      return;
    }
    lastPartners.paired(userOf(client).id, userOf(partner).id);
    const room = await matchMaker.createRoom(RoomName.Chat, {});
    const seats = await Promise.all([client, partner].map((c) => matchMaker.reserveSeatFor(room, {}, userOf(c))));
    client.send(LobbyServerMessage.Matched, { reservation: seats[0], roomId: room.roomId, matchedUser: userOf(partner) });
    partner.send(LobbyServerMessage.Matched, { reservation: seats[1], roomId: room.roomId, matchedUser: userOf(client) });
  }

  override onUncaughtException(error: Error): void {
    console.error("lobby:", error.message);
  }
}

class BareChat extends Room<{ client: BareClient }> {
  override maxClients = 2;
  ended = false;

  override onCreate(): void {
    this.onMessage(ChatClientMessage.Message, (client: BareClient, message: { clientMessageId?: string }) => {
      const stamp = this.relay(client, ChatServerMessage.Message, message);
      client.send(ChatServerMessage.Ack, { clientMessageId: message?.clientMessageId, id: stamp.id, timestamp: stamp.timestamp });
    });
    this.onMessage(ChatClientMessage.Leave, (client: BareClient) => this.end(client, PartnerLeftReason.Left));
    this.onMessage("*", (client: BareClient, type, message) => this.relay(client, String(type), message));
  }

  relay(sender: BareClient, type: string, message: unknown): { id: string; timestamp: string } {
    const stamp = { id: `m${++nextId}`, from: userOf(sender).id, timestamp: new Date().toISOString() };
    this.broadcast(type, { ...(message as object), ...stamp }, { except: sender });
    return stamp;
  }

  override async onDrop(client: BareClient): Promise<void> {
    if (this.ended) return;
    this.broadcast(ChatServerMessage.PartnerDisconnected, { userId: userOf(client).id }, { except: client });
    await this.allowReconnection(client, BASELINE_RECONNECT_SECONDS).catch(() => undefined);
  }

  override onReconnect(client: BareClient): void {
    this.broadcast(ChatServerMessage.PartnerReconnected, { userId: userOf(client).id }, { except: client });
  }

  override onLeave(client: BareClient): void {
    this.end(client, PartnerLeftReason.Left);
  }

  end(leaver: BareClient, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.broadcast(ChatServerMessage.PartnerLeft, { userId: userOf(leaver).id, reason }, { except: leaver });
    this.disconnect(CloseCode.CONSENTED).catch(() => undefined);
  }

  override onUncaughtException(error: Error): void {
    console.error("chat:", error.message);
  }
}

async function backends(redisUrl: string | undefined): Promise<{ presence: Presence; driver: MatchMakerDriver }> {
  if (!redisUrl) return { presence: new LocalPresence(), driver: new LocalDriver() };
  // Optional packages, needed only for the multi-process scenario.
  const presenceModule = "@colyseus/redis-presence";
  const driverModule = "@colyseus/redis-driver";
  const { RedisPresence } = await import(presenceModule);
  const { RedisDriver } = await import(driverModule);
  return { presence: new RedisPresence(redisUrl), driver: new RedisDriver(redisUrl) };
}

const port = Number(process.env.PORT ?? 2567);
const server = new Server({
  transport: new WebSocketTransport({ maxPayload: 64 * 1024 }),
  ...(await backends(process.env.REDIS_URL)),
  publicAddress: process.env.PUBLIC_ADDRESS,
  greet: false,
  express: (app) => {
    app.post("/api/auth/guest", (_req, res) => {
      const id = `u${process.pid}x${++nextUser}`;
      res.status(201).json({ success: true, data: { token: id, user: { id, username: `guest_${nextUser}` } } });
    });
    app.get("/health", (_req, res) => void res.sendStatus(200));
  },
});
server.define(RoomName.Lobby, BareLobby);
server.define(RoomName.Chat, BareChat);
await server.listen(port, "127.0.0.1");
process.send?.("ready");

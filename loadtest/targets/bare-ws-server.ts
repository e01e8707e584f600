/**
 * The smallest server that does Pairline's job: guest tokens, a lobby socket that
 * pairs whoever asks, a chat socket that stamps each message, relays it to the
 * partner and acknowledges it to the sender, then closes both when one leaves.
 * Plain `ws`, JSON frames, nothing else. It measures what the machine can do.
 */
import http from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { ChatClientMessage, ChatServerMessage, LobbyClientMessage, LobbyServerMessage, PartnerLeftReason } from "../../rooms/protocol.ts";
import "./exit-with-parent.ts";
import { LastPartners } from "./last-partner.ts";
import { BASELINE_RECONNECT_SECONDS, decodeFrame, encodeFrame } from "./wire.ts";

interface User {
  id: string;
  username: string;
}

interface Seat {
  user: User;
  socket?: WebSocket;
  graceTimer?: NodeJS.Timeout;
}

interface Chat {
  seats: Map<string, Seat>;
}

const port = Number(process.env.PORT ?? 2600);
let nextUser = 0;
let nextId = 0;
let lobbyCount = 0;
const waiting: Array<{ user: User; socket: WebSocket }> = [];
const chats = new Map<string, Chat>();
const lastPartners = new LastPartners();

const send = (socket: WebSocket | undefined, type: string, payload: unknown) => {
  if (socket && socket.readyState === socket.OPEN) socket.send(encodeFrame(type, payload));
};

const httpServer = http.createServer((req, res) => {
  if (req.method === "POST" && req.url === "/api/auth/guest") {
    req.resume();
    req.on("end", () => {
      const id = `u${process.pid}x${++nextUser}`;
      const body = JSON.stringify({ success: true, data: { token: id, user: { id, username: `guest_${nextUser}` } } });
      res.writeHead(201, { "content-type": "application/json" }).end(body);
    });
    return;
  }
  res.writeHead(req.url === "/health" ? 200 : 404).end();
});

const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
httpServer.on("upgrade", (req, socket, head) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  wss.handleUpgrade(req, socket, head, (ws) => {
    if (url.pathname === "/lobby") return joinLobby(ws, url.searchParams.get("token") ?? "");
    if (url.pathname === "/chat") return joinChat(ws, url.searchParams.get("ticket") ?? "");
    ws.close(4404);
  });
});

function joinLobby(socket: WebSocket, token: string): void {
  const user: User = { id: token, username: `guest_${token}` };
  lobbyCount += 1;
  send(socket, LobbyServerMessage.ConnectionEstablished, { userId: user.id, username: user.username, online: lobbyCount });
  socket.on("message", (data) => {
    const frame = decodeFrame(data);
    if (frame?.[0] !== LobbyClientMessage.Match) return;
    const partner = lastPartners.takePartner(waiting, user.id, (w) => w.user.id);
    if (!partner) {
      waiting.push({ user, socket });
      send(socket, LobbyServerMessage.Queued, { position: waiting.length });
      return;
    }
    lastPartners.paired(user.id, partner.user.id);
    openChat({ user, socket }, partner);
  });
  socket.on("close", () => {
    lobbyCount -= 1;
    const index = waiting.findIndex((w) => w.socket === socket);
    if (index >= 0) waiting.splice(index, 1);
  });
}

function openChat(a: { user: User; socket: WebSocket }, b: { user: User; socket: WebSocket }): void {
  const roomId = `c${++nextId}`;
  const ticketOf = (user: User) => `${roomId}.${user.id}`;
  chats.set(roomId, { seats: new Map([[ticketOf(a.user), { user: a.user }], [ticketOf(b.user), { user: b.user }]]) });
  for (const [side, other] of [[a, b], [b, a]] as const) {
    send(side.socket, LobbyServerMessage.Matched, {
      reservation: { roomId, sessionId: ticketOf(side.user), name: "chat", processId: "bare" },
      roomId,
      matchedUser: { id: other.user.id, username: other.user.username },
    });
  }
}

function joinChat(socket: WebSocket, ticket: string): void {
  const roomId = ticket.slice(0, ticket.indexOf("."));
  const chat = chats.get(roomId);
  const seat = chat?.seats.get(ticket);
  if (!chat || !seat || seat.socket) return socket.close(4403);
  const reconnected = seat.graceTimer !== undefined;
  clearTimeout(seat.graceTimer);
  seat.graceTimer = undefined;
  seat.socket = socket;
  const partner = [...chat.seats.values()].find((s) => s !== seat)!;
  if (reconnected) send(partner.socket, ChatServerMessage.PartnerReconnected, { userId: seat.user.id });

  socket.on("message", (data) => {
    const frame = decodeFrame(data);
    if (!frame) return;
    const [type, payload] = frame;
    if (type === ChatClientMessage.Leave) return endChat(roomId, seat.user, PartnerLeftReason.Left);
    const stamp = { id: `m${++nextId}`, from: seat.user.id, timestamp: new Date().toISOString() };
    send(partner.socket, type, { ...payload, ...stamp });
    if (type === ChatClientMessage.Message) {
      send(socket, ChatServerMessage.Ack, { clientMessageId: payload?.clientMessageId, id: stamp.id, timestamp: stamp.timestamp });
    }
  });
  socket.on("close", (code) => {
    if (seat.socket !== socket) return;
    seat.socket = undefined;
    if (!chats.has(roomId)) return;
    if (code === 1000 || code === 4000) return endChat(roomId, seat.user, PartnerLeftReason.Left);
    send(partner.socket, ChatServerMessage.PartnerDisconnected, { userId: seat.user.id });
    seat.graceTimer = setTimeout(() => endChat(roomId, seat.user, PartnerLeftReason.Timeout), BASELINE_RECONNECT_SECONDS * 1000);
  });
}

function endChat(roomId: string, leaver: User, reason: string): void {
  const chat = chats.get(roomId);
  if (!chat) return;
  chats.delete(roomId);
  for (const seat of chat.seats.values()) {
    clearTimeout(seat.graceTimer);
    if (seat.user !== leaver) send(seat.socket, ChatServerMessage.PartnerLeft, { userId: leaver.id, reason });
    seat.socket?.close(4000);
  }
}

process.once("SIGTERM", () => process.exit(0));
httpServer.listen(port, "127.0.0.1", () => process.send?.("ready"));

import WebSocket from "ws";
import { decodeFrame, encodeFrame } from "../targets/wire.ts";
import { identityFrom, type ChatLink, type Connector, type Identity, type MessageHandler, type RoomLink } from "./link.ts";

const RECONNECT_DELAY_MS = 100;
const CONSENTED = 4000;

function opened(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once("open", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/** A socket of the bare baseline as a link; with `reconnectUrl`, a dropped socket is replaced by a new one. */
function socketLink(first: WebSocket, reconnectUrl?: string, roomId = ""): ChatLink {
  let socket = first;
  let leaving = false;
  const handlers: MessageHandler[] = [];
  const closeHandlers: Array<(code: number) => void> = [];
  const reconnectHandlers: Array<() => void> = [];
  const attach = (ws: WebSocket) => {
    ws.on("message", (data) => {
      const frame = decodeFrame(data);
      if (frame) for (const handler of handlers) handler(frame[0], frame[1]);
    });
    ws.on("error", () => undefined);
    ws.on("close", (code) => {
      if (ws !== socket) return;
      if (leaving || !reconnectUrl || code === CONSENTED || code === 1000) {
        for (const handler of closeHandlers) handler(code);
        return;
      }
      setTimeout(() => {
        opened(reconnectUrl).then(
          (next) => {
            socket = next;
            attach(next);
            for (const handler of reconnectHandlers) handler();
          },
          () => closeHandlers.forEach((handler) => handler(4003)),
        );
      }, RECONNECT_DELAY_MS);
    });
  };
  attach(first);
  return {
    roomId,
    send: (type, payload) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(encodeFrame(type, payload));
    },
    onMessage: (handler) => void handlers.push(handler),
    onClose: (handler) => void closeHandlers.push(handler),
    onReconnect: (handler) => void reconnectHandlers.push(handler),
    leave: async () => {
      leaving = true;
      socket.close(CONSENTED);
    },
    drop: () => socket.terminate(),
  };
}

/** Bots for the bare `ws` baseline: the same flow, JSON frames on plain WebSockets. */
export function wsConnector(endpoint: string): Connector {
  const wsBase = endpoint.replace(/^http/, "ws");
  return {
    async identify(): Promise<Identity> {
      const response = await fetch(`${endpoint}/api/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      return identityFrom(await response.json());
    },
    async enterLobby(identity): Promise<RoomLink> {
      return socketLink(await opened(`${wsBase}/lobby?token=${encodeURIComponent(identity.token)}`));
    },
    async takeSeat(_identity, matched): Promise<ChatLink> {
      const url = `${wsBase}/chat?ticket=${encodeURIComponent(matched.reservation.sessionId)}`;
      return socketLink(await opened(url), url, matched.roomId);
    },
    close() {},
  };
}

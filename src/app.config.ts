import { defineRoom, defineServer, type Room, type ServerOptions } from "@colyseus/core";
import { ChatRoom } from "../rooms/ChatRoom.ts";
import type { RoomDeps } from "../rooms/deps.ts";
import { LobbyRoom } from "../rooms/LobbyRoom.ts";
import { RoomName } from "../rooms/protocol.ts";
import { useSmallStateBuffers } from "../rooms/state.ts";
import type { Authenticate } from "./auth/authenticate.ts";
import { authenticateSeat } from "./auth/seat.ts";

export interface PairlineServerOptions extends ServerOptions {
  /** What the rooms are given (queue, presence, stores, signers): they import none of it. */
  deps: RoomDeps;
  /** The token check REST uses; every seat goes through it. */
  authenticate: Authenticate;
}

type RoomClass = new (...args: any[]) => Room<any>;

/** The room class with a `static onAuth` that runs the same token check as REST. */
function seatChecked<T extends RoomClass>(RoomType: T, authenticate: Authenticate): T {
  return class extends RoomType {
    static async onAuth(token: string, _options: unknown, context?: { ip?: string }) {
      return authenticateSeat(authenticate, token, context?.ip);
    }
  };
}

/**
 * Pairline's Colyseus server: the lobby that pairs strangers and the chat room each pair
 * gets, on the engine chosen at start (transport, presence, driver). Its type makes SDK
 * clients typed: `new Client<PairlineServer>(url)`.
 */
export function definePairlineServer({ deps, authenticate, ...engine }: PairlineServerOptions) {
  useSmallStateBuffers();
  return defineServer({
    ...engine,
    rooms: {
      [RoomName.Lobby]: defineRoom(seatChecked(LobbyRoom, authenticate), { deps }),
      [RoomName.Chat]: defineRoom(seatChecked(ChatRoom, authenticate), { deps }),
    },
  });
}

export type PairlineServer = ReturnType<typeof definePairlineServer>;

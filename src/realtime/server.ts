import type http from "node:http";
import { CloseCode, matchMaker, type Server, type ServerOptions } from "@colyseus/core";
import type { RoomDeps } from "../../rooms/deps.ts";
import type { Authenticate } from "../auth/authenticate.ts";
import { metrics } from "../metrics/index.ts";
import type { Services } from "../services/index.ts";
import type { ChatMembership } from "../uploads/membership.ts";
import type { PeopleDirectory } from "../users/directory.ts";
import { choosePresence } from "../presence/index.ts";
import { chooseBackends } from "./backends.ts";
import { ConnectionLogs } from "./connection-logs.ts";
import { forgetDeadProcesses } from "./dead-processes.ts";
import { announceBan, evictBanned } from "./evictions.ts";
import { GuardedWebSocketTransport } from "./guarded-transport.ts";
import { applyCorsPolicy } from "./matchmaker-cors.ts";
import { createRoomDeps } from "./room-deps.ts";
import { pairlineTasks, startHousekeeping } from "./housekeeping.ts";
import { listedChatMembership } from "../../rooms/chat-members.ts";
import { LiveChats } from "../matchmaking/live-chats.ts";
import { MatchCounter } from "../matchmaking/match-stats.ts";
import { RoomName } from "../../rooms/protocol.ts";
import { drainOrCut } from "./shutdown.ts";
import { processLoads, type ProcessLoad } from "./process-loads.ts";

export interface RealtimeOptions<S extends Server> {
  /** Defines the rooms on the engine chosen here (`definePairlineServer` in `app.config.ts`). */
  defineServer(options: ServerOptions & { deps: RoomDeps; authenticate: Authenticate }): S;
  /** CORS headers for a request from `origin`, the same policy Express applies; empty when not allowed. */
  corsHeadersFor(origin: string | undefined): Record<string, string>;
}

export type { ProcessLoad } from "./process-loads.ts";

export interface Realtime<S extends Server> {
  gameServer: S;
  /** Resolves when the presence (where the queue and online users live) answers. */
  ping(): Promise<void>;
  /** Who is in which live chat, for the uploads routes. */
  chatMembership: ChatMembership;
  /** Online users, the queue and live chats, for the user endpoints. */
  directory: PeopleDirectory;
  /** Rooms and clients of this process (live) and of every process (the shared listing, read at most once a second). */
  load(): Promise<{ here: ProcessLoad; all: ProcessLoad[] }>;
  /** Listens on the shared HTTP server (Colyseus calls `listen` on it). */
  listen(port: number, host?: string): Promise<void>;
  /** Locks every room, disconnects its clients and waits for the rooms to close. */
  shutdown(): Promise<void>;
}

/** How often a process with waiting users asks for a pass over those whose preferences widened. */
const WIDEN_PASS_MS = 1000;

export function createRealtime<S extends Server>(httpServer: http.Server, services: Services, options: RealtimeOptions<S>): Realtime<S> {
  const { config } = services;
  const { presence, driver, selectProcessIdToCreateRoom, processes } = chooseBackends(config, services.logger);
  const logs = new ConnectionLogs(services.logger);
  const transport = new GuardedWebSocketTransport({
    server: httpServer,
    maxPayload: config.limits.maxPayloadBytes,
    outputBufferBytes: config.limits.outputBufferBytes,
    logs,
    logger: services.logger,
  });
  const userPresence = choosePresence(config, services.users, services.logger);
  const matches = new MatchCounter(presence);
  const { deps, chatHosts } = createRoomDeps(services, presence, userPresence, matches);
  const gameServer = options.defineServer({
    deps,
    authenticate: services.authenticate,
    transport,
    presence,
    driver,
    selectProcessIdToCreateRoom,
    publicAddress: config.publicAddress,
    greet: false,
    gracefullyShutdown: false,
    logger: logs.colyseusLogger(),
  });
  const defined: Record<string, Parameters<typeof metrics.countRoomsOf>[1]> = gameServer["~rooms"];
  for (const [name, handler] of Object.entries(defined)) metrics.countRoomsOf(name, handler);
  applyCorsPolicy(options.corsHeadersFor);

  const chats = new LiveChats(presence, () => matchMaker.processId);
  chats.watch(gameServer["~rooms"][RoomName.Chat]);
  const stopHousekeeping = startHousekeeping(presence, services.logger, [
    ...pairlineTasks({ ...deps, users: services.users, safety: services.safety }),
    ...userPresence.online.tasks(),
    { name: "match-widened", everyMs: WIDEN_PASS_MS, once: false, run: () => deps.matchmaker.matchWaiting() },
    forgetDeadProcesses(presence, { processes, onForget: (id) => chats.forget(id) }),
    { name: "forget-chats-of-gone-processes", everyMs: 10_000, once: true, run: async () => chats.keepOnly((await matchMaker.stats.fetchAll()).map((p) => p.processId)) },
  ]);
  services.moderation.onBan((ban) => announceBan(presence, ban));
  const stopEvicting = evictBanned(presence);

  let stopping: Promise<void> | undefined;
  return {
    gameServer,
    async ping() {
      await presence.get("pairline:ping");
    },
    chatMembership: listedChatMembership((roomId) => matchMaker.getRoomById(roomId)),
    directory: {
      onlinePage: async (offset, limit) => {
        const { ids, total } = await deps.online.page(offset, limit);
        return { items: ids, total };
      },
      onlineCount: () => deps.online.count(),
      waitingPage: async (offset, limit, exceptId) => {
        const { users, total } = await deps.queue.page(offset, limit, exceptId);
        return { items: users, total };
      },
      waitingCount: () => deps.queue.size(),
      chats: () => chats.count(),
      matchesInLastHour: () => matches.inLastHour(),
    },
    load: processLoads(),
    async listen(port, host) {
      await new Promise<void>((resolve, reject) => {
        httpServer.once("error", reject);
        gameServer.listen(port, host).then(() => {
          httpServer.off("error", reject);
          resolve();
        }, reject);
      });
      await chatHosts.serve();
    },
    shutdown: () =>
      (stopping ??= (async () => {
        stopHousekeeping();
        chatHosts.stop();
        const drain = async () => {
          (await stopEvicting)();
          await matches.flush(); // before the presence closes with the game server
          await gameServer.gracefullyShutdown(false);
          await chats.close();
          await userPresence.close();
          await deps.queue.close();
        };
        const cut = () => transport.closeEveryConnection(CloseCode.SERVER_SHUTDOWN);
        await drainOrCut(drain, config.limits.shutdownTimeoutMs, cut, services.logger);
      })()),
  };
}

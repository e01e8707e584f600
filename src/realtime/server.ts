import type http from "node:http";
import { CloseCode, matchMaker, type BeforeUpgradeHandler, type Presence, type Server, type ServerOptions } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type WebSocket from "ws";
import type { RoomDeps } from "../../rooms/deps.ts";
import { createChatOpener } from "../../rooms/chat-opener.ts";
import type { Authenticate } from "../auth/authenticate.ts";
import { metrics } from "../metrics/index.ts";
import type { Services } from "../services/index.ts";
import type { ChatMembership } from "../uploads/membership.ts";
import type { PeopleDirectory } from "../users/directory.ts";
import { choosePresence, type UserPresence } from "../presence/index.ts";
import { chooseBackends } from "./backends.ts";
import { ConnectionLogs } from "./connection-logs.ts";
import { boundOutput } from "./output-bound.ts";
import { coalesceWrites } from "./coalesced-writes.ts";
import { forgetDeadProcesses } from "./dead-processes.ts";
import { announceBan, evictBanned } from "./evictions.ts";
import { pairlineTasks, startHousekeeping } from "./housekeeping.ts";
import { presenceChatMembership } from "../../rooms/chat-members.ts";
import { rememberClientAddresses } from "../../rooms/client-address.ts";
import { createMatchmaking } from "../matchmaking/index.ts";
import { LiveChats } from "../matchmaking/live-chats.ts";
import { matchesInLastHour } from "../matchmaking/match-stats.ts";
import { RoomName } from "../../rooms/protocol.ts";
import { TIMED_OUT, within } from "../timeouts/index.ts";

export interface RealtimeOptions<S extends Server> {
  /** Defines the rooms on the engine chosen here (`definePairlineServer` in `app.config.ts`). */
  defineServer(options: ServerOptions & { deps: RoomDeps; authenticate: Authenticate }): S;
  /** CORS headers for a request from `origin`, the same policy Express applies; empty when not allowed. */
  corsHeadersFor(origin: string | undefined): Record<string, string>;
  /** Answers a WebSocket upgrade instead of accepting it, e.g. from a foreign origin. */
  beforeUpgrade?: BeforeUpgradeHandler;
}

/** Rooms and clients in one process. */
export interface ProcessLoad {
  processId: string;
  roomCount: number;
  ccu: number;
}

export interface Realtime<S extends Server> {
  gameServer: S;
  /** Resolves when the presence (where the queue and online users live) answers. */
  ping(): Promise<void>;
  /** Who is in which live chat, for the uploads routes. */
  chatMembership: ChatMembership;
  /** Online users, the queue and live chats, for the user endpoints. */
  directory: PeopleDirectory;
  /** Rooms and clients of this process (live) and of every process (the shared listing). */
  load(): Promise<{ here: ProcessLoad; all: ProcessLoad[] }>;
  /** Listens on the shared HTTP server (Colyseus calls `listen` on it). */
  listen(port: number, host?: string): Promise<void>;
  /** Locks every room, disconnects its clients and waits for the rooms to close. */
  shutdown(): Promise<void>;
}

/** How often a process with waiting users asks for a pass over those whose preferences widened. */
const WIDEN_PASS_MS = 1000;

type GuardedTransportOptions = NonNullable<ConstructorParameters<typeof WebSocketTransport>[0]> & {
  /** Unsent bytes past which a connection is cut off (`OUTPUT_BUFFER_BYTES`). */
  outputBufferBytes: number;
  logs: ConnectionLogs;
  logger: Services["logger"];
};

/**
 * The ws transport, with what every connection is held to: its unsent output is
 * bounded, and what its frames make the server log is budgeted. Also closes every
 * connection on demand (Colyseus closes a room's only after its leave handlers ran).
 */
class GuardedWebSocketTransport extends WebSocketTransport {
  constructor({ outputBufferBytes, logs, logger, ...options }: GuardedTransportOptions) {
    super(options);
    this.wss.prependListener("connection", (ws: WebSocket, request?: http.IncomingMessage) => {
      coalesceWrites(ws, request?.socket);
      boundOutput(ws, outputBufferBytes, (unsentBytes) =>
        logs.write(() => logger.warn("Cut off a client that stopped reading", { unsentBytes }), ws),
      );
      const emit = ws.emit.bind(ws);
      ws.emit = ((event: string, ...args: unknown[]) =>
        event === "message" ? logs.during(ws, () => emit(event, ...args)) : emit(event, ...args)) as WebSocket["emit"];
      ws.once("close", () => logs.closed(ws));
    });
    rememberClientAddresses(this.wss);
  }

  closeEveryConnection(code: number): void {
    for (const socket of this.wss.clients) {
      socket.close(code);
      setTimeout(() => socket.terminate(), 1000).unref();
    }
  }
}

/** Colyseus answers CORS for its matchmaking routes (and sets headers on every request): apply our policy. */
function applyCorsPolicy(corsHeadersFor: RealtimeOptions<Server>["corsHeadersFor"]): void {
  matchMaker.controller.DEFAULT_CORS_HEADERS = {} as typeof matchMaker.controller.DEFAULT_CORS_HEADERS;
  matchMaker.controller.getCorsHeaders = (headers: Headers) => corsHeadersFor(headers.get("origin") ?? undefined);
}

function createRoomDeps(services: Services, presence: Presence, users: UserPresence): RoomDeps {
  const { config, logger } = services;
  const { queue, matchmaker, handoff } = createMatchmaking(config, logger, (handoff) => createChatOpener(presence, handoff));
  metrics.measureQueueWith(() => queue.size());
  services.moderation.onBlock((blockerId, blockedId, blocked) =>
    blocked ? queue.avoid(blockerId, blockedId) : queue.unavoid(blockerId, blockedId));
  return {
    config,
    logger,
    queue,
    matchmaker,
    handoff,
    online: users.online,
    budget: users.budget,
    uploads: services.uploads,
    safety: services.safety,
    signer: services.signer,
    meetings: services.meetings,
    moderation: services.moderation,
  };
}

export function createRealtime<S extends Server>(httpServer: http.Server, services: Services, options: RealtimeOptions<S>): Realtime<S> {
  const { config } = services;
  const { presence, driver, selectProcessIdToCreateRoom } = chooseBackends(config, services.logger);
  const logs = new ConnectionLogs(services.logger);
  const transport = new GuardedWebSocketTransport({
    server: httpServer,
    maxPayload: config.limits.maxPayloadBytes,
    beforeUpgrade: options.beforeUpgrade,
    outputBufferBytes: config.limits.outputBufferBytes,
    logs,
    logger: services.logger,
  });
  const userPresence = choosePresence(config, services.users, services.logger);
  const deps = createRoomDeps(services, presence, userPresence);
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
    forgetDeadProcesses(presence, { onForget: (id) => chats.forget(id) }),
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
    chatMembership: presenceChatMembership(presence),
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
      matchesInLastHour: () => matchesInLastHour(presence),
    },
    async load() {
      const { processId, stats } = matchMaker;
      const here = { processId, roomCount: stats.local.roomCount, ccu: stats.local.ccu };
      return { here, all: await stats.fetchAll() };
    },
    async listen(port, host) {
      await new Promise<void>((resolve, reject) => {
        httpServer.once("error", reject);
        gameServer.listen(port, host).then(() => {
          httpServer.off("error", reject);
          resolve();
        }, reject);
      });
    },
    shutdown: () =>
      (stopping ??= (async () => {
        stopHousekeeping();
        const drained = (async () => {
          (await stopEvicting)();
          await gameServer.gracefullyShutdown(false);
          await chats.close();
          await userPresence.close();
          await deps.queue.close();
        })();
        const settled = drained.then(() => true, () => true);
        if ((await within(settled, config.limits.shutdownTimeoutMs)) === TIMED_OUT) {
          services.logger.warn("Rooms did not close in time (is Redis reachable?); closing their connections");
          transport.closeEveryConnection(CloseCode.SERVER_SHUTDOWN);
        }
      })()),
  };
}

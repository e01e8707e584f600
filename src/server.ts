import http from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigError, loadConfig, type Config } from "./config/index.ts";
import { createApp } from "./http/app.ts";
import { createCorsPolicy } from "./http/cors.ts";
import { createRateLimits } from "./http/rate-limit.ts";
import { createMatchmakingBridge } from "./http/matchmaking.ts";
import { adminMonitor } from "./http/monitor.ts";
import { developmentPlayground } from "./http/playground.ts";
import { watchUpgrades } from "./http/upgrades.ts";
import { createRealtime } from "./realtime/server.ts";
import { createServices, type Services } from "./services/index.ts";
import { collectProcessMetrics } from "./metrics/index.ts";
import { definePairlineServer, type PairlineServer } from "./app.config.ts";
import { releaseStartupMemory } from "./runtime/startup-memory.ts";

export interface RunningServer {
  port: number;
  httpServer: http.Server;
  services: Services;
  /** The Colyseus server, e.g. for `@colyseus/testing`'s `ColyseusTestServer`. */
  gameServer: PairlineServer;
  /** Stops accepting connections, lets in-flight requests finish, closes the stores. Idempotent. */
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  collectProcessMetrics();
  const services = await createServices(config);
  const httpServer = http.createServer({ maxHeaderSize: config.limits.maxHeaderBytes });
  httpServer.headersTimeout = 20_000;
  httpServer.requestTimeout = 60_000;

  const cors = createCorsPolicy(config);
  const realtime = createRealtime(httpServer, services, {
    defineServer: definePairlineServer,
    corsHeadersFor: cors.headersFor,
  });
  const matchmaking = createMatchmakingBridge();
  const rateLimits = createRateLimits(config, services.logger);
  const app = createApp(services, {
    cors,
    rateLimits,
    chatMembership: realtime.chatMembership,
    directory: realtime.directory,
    realtimeLoad: realtime.load,
    matchmaking: matchmaking.handler,
    readiness: { presence: () => realtime.ping() },
    playground: config.env === "development" ? await developmentPlayground() : undefined,
    monitor: await adminMonitor(config),
  });
  httpServer.on("request", app);
  watchUpgrades(httpServer, app.get("trust proxy fn"), cors, services.logger);
  await realtime.listen(config.port, config.host);
  matchmaking.attach(realtime.gameServer, httpServer, app);
  const port = (httpServer.address() as AddressInfo).port;
  services.logger.info("Pairline listening", { port, env: config.env });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stopped at 'close', once every connection has ended. Not at a close() callback: the realtime transport
      // closes the server first, and Bun calls a second close()'s callback at once (Node waits for 'close').
      const stopped = new Promise<void>((resolve) => httpServer.once("close", () => resolve()));
      await realtime.shutdown();
      httpServer.close();
      httpServer.closeIdleConnections();
      const deadline = setTimeout(() => httpServer.closeAllConnections(), config.limits.shutdownTimeoutMs);
      await stopped;
      clearTimeout(deadline);
      await rateLimits.close();
      await services.close();
      services.logger.info("Pairline stopped");
    })());

  return { port, httpServer, services, gameServer: realtime.gameServer, close };
}

export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const server = await startServer(config);
  const { logger } = server.services;
  const exitAfterLogs = (code: number) => {
    logger.on("finish", () => process.exit(code));
    logger.end();
  };
  const shutdown = (signal: string) => {
    logger.info("Shutting down", { signal });
    server.close().then(
      () => exitAfterLogs(0),
      (error: unknown) => {
        logger.error("Shutdown failed", { stack: error instanceof Error ? error.stack : String(error) });
        exitAfterLogs(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  releaseStartupMemory();
  process.send?.("ready");
}

if (import.meta.main) await main();

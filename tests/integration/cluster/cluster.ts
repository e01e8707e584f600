import fs from "node:fs";
import path from "node:path";
import { freePort, spawnServer, type ServerProcess } from "../../helpers/process.ts";
import { startRedis, type TestRedis } from "../../helpers/redis.ts";
import { tempDir } from "../../helpers/server.ts";

/** One Pairline process of a test cluster, reachable at its own port (its `PUBLIC_ADDRESS`). */
export interface Member extends ServerProcess {
  port: number;
  /** `host:port`, as seat reservations carry it. */
  address: string;
}

/** Pairline processes sharing one Redis and one SQLite file, as a deployment on one machine would. */
export interface Cluster {
  redis: TestRedis;
  dataDir: string;
  members: Member[];
  /** Starts one more process in the cluster. */
  add(): Promise<Member>;
  /** The process whose `PUBLIC_ADDRESS` a seat reservation names. */
  hostOf(reservation: { publicAddress?: string }): Member;
  stop(): Promise<void>;
}

const CLUSTER_ENV = {
  NODE_ENV: "test",
  LOG_LEVEL: "info",
  LOG_CONSOLE: "true",
  BCRYPT_COST: "4",
  TRUST_PROXY: "loopback",
  RATE_LIMIT_AUTH_MAX: "1000000",
  RATE_LIMIT_API_MAX: "1000000",
  RATE_LIMIT_MATCHMAKE_MAX: "1000000",
  RATE_LIMIT_UPLOAD_MAX: "3",
  PRESENCE_LEASE_SECONDS: "10",
};

export async function startCluster(size: number, env: Record<string, string> = {}): Promise<Cluster> {
  const redis = await startRedis();
  const dataDir = tempDir("pairline-cluster-");
  const members: Member[] = [];
  const add = async () => {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const server = await spawnServer({
      ...CLUSTER_ENV,
      ...env,
      REDIS_URL: redis.url,
      DATA_DIR: dataDir,
      LOG_DIR: path.join(dataDir, `logs-${port}`),
      PORT: String(port),
      PUBLIC_ADDRESS: address,
    });
    const member = { ...server, port, address };
    members.push(member);
    return member;
  };
  try {
    for (let i = 0; i < size; i++) await add();
  } catch (error) {
    await stopAll(members, redis, dataDir);
    throw error;
  }
  return {
    redis,
    dataDir,
    members,
    add,
    hostOf(reservation) {
      const host = members.find((m) => m.address === reservation.publicAddress);
      if (!host) throw new Error(`no cluster process at ${reservation.publicAddress}`);
      return host;
    },
    stop: () => stopAll(members, redis, dataDir),
  };
}

async function stopAll(members: Member[], redis: TestRedis, dataDir: string): Promise<void> {
  await Promise.all(
    members.map(async (member) => {
      if (member.child.exitCode === null && member.child.signalCode === null) member.child.kill("SIGKILL");
      await member.exited;
    }),
  );
  await redis.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

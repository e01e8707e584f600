import { NameIndexedLocalDriver } from "../../src/matchmaking/driver/local-driver.ts";
import { NameIndexedRedisDriver } from "../../src/matchmaking/driver/redis-driver.ts";
import { requireRedisServer, startRedis, type TestRedis } from "../helpers/redis.ts";
import { matchMakerDriverContract } from "./match-maker-driver.contract.ts";

describe("MatchMakerDriver contract: local", () => {
  matchMakerDriverContract(async () => new NameIndexedLocalDriver());
});

describe("MatchMakerDriver contract: Redis", function () {
  requireRedisServer(this.ctx);
  let redis: TestRedis;
  let driver: NameIndexedRedisDriver | undefined;
  before(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await driver?.shutdown();
  });
  after(async () => {
    await redis?.stop();
  });
  matchMakerDriverContract(async () => {
    driver = new NameIndexedRedisDriver(redis.client());
    await driver.clear();
    return driver;
  });
});

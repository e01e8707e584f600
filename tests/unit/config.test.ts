import assert from "node:assert/strict";
import path from "node:path";
import { ConfigError, EXAMPLE_JWT_SECRET, loadConfig } from "../../src/config/index.ts";

const STRONG_SECRET = "k3N9vQ2xL7pR4tW8yZ1cF6hJ0mB5nD2s";

describe("configuration", () => {
  it("starts in development with no variables at all, on the seed's defaults", () => {
    const config = loadConfig({});
    assert.equal(config.env, "development");
    assert.equal(config.port, 3001);
    assert.equal(config.jwt.expiresIn, "7d");
    assert.equal(config.limits.maxFileSize, 10485760);
    assert.equal(config.limits.maxVoiceDurationSeconds, 300);
    assert.equal(config.limits.roomMessagesPerMinute, 100);
    assert.equal(config.limits.reconnectGraceSeconds, 20);
    assert.equal(config.databaseFile, path.resolve("data/pairline.db"));
    assert.equal(config.mongodbUri, undefined);
    assert.equal(config.redis, undefined);
  });

  it("keeps the seed's request limits in production and gives development generous ones", () => {
    const production = loadConfig({ NODE_ENV: "production", JWT_SECRET: STRONG_SECRET, METRICS_PUBLIC: "true" }).rateLimits;
    assert.deepEqual(
      [production.authMax, production.apiMax, production.uploadMax, production.matchmakeMax],
      [5, 100, 10, 30],
    );
    assert.deepEqual([production.authWindowMs, production.apiWindowMs, production.uploadWindowMs], [900_000, 900_000, 3_600_000]);
    const development = loadConfig({}).rateLimits;
    assert.ok(development.authMax >= 1000 && development.apiMax >= 1000 && development.uploadMax >= 1000);
    assert.equal(loadConfig({ RATE_LIMIT_AUTH_MAX: "7" }).rateLimits.authMax, 7);
  });

  it("is frozen", () => {
    const config = loadConfig({});
    assert.throws(() => {
      (config as { port: number }).port = 1;
    }, TypeError);
    assert.throws(() => {
      (config.limits as { textMaxLength: number }).textMaxLength = 1;
    }, TypeError);
  });

  it("parses lists, numbers and proxy settings", () => {
    const config = loadConfig({
      PORT: "4000",
      CORS_ORIGIN: "https://a.example, https://b.example",
      TRUST_PROXY: "1",
      DATABASE_FILE: ":memory:",
    });
    assert.equal(config.port, 4000);
    assert.deepEqual(config.corsOrigins, ["https://a.example", "https://b.example"]);
    assert.equal(config.trustProxy, 1);
    assert.equal(config.databaseFile, ":memory:");
    assert.equal(loadConfig({ TRUST_PROXY: "true" }).trustProxy, true);
    assert.deepEqual(loadConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8" }).trustProxy, ["loopback", "10.0.0.0/8"]);
  });

  it("reaches Redis at one address, or through Sentinels that name the primary", () => {
    assert.deepEqual(loadConfig({ REDIS_URL: "redis://10.0.0.5:6379" }).redis, { url: "redis://10.0.0.5:6379" });
    assert.deepEqual(loadConfig({ REDIS_SENTINELS: "10.0.0.1:26379, sentinel-b:26380", REDIS_SENTINEL_MASTER: "pairline" }).redis, {
      sentinels: [{ host: "10.0.0.1", port: 26379 }, { host: "sentinel-b", port: 26380 }],
      masterName: "pairline",
    });
    const withAuth = { REDIS_SENTINELS: "10.0.0.1:26379", REDIS_SENTINEL_MASTER: "pairline", REDIS_PASSWORD: "p", REDIS_SENTINEL_PASSWORD: "s" };
    assert.deepEqual(loadConfig(withAuth).redis, {
      sentinels: [{ host: "10.0.0.1", port: 26379 }],
      masterName: "pairline",
      password: "p",
      sentinelPassword: "s",
    });
    const refused: Array<[Record<string, string>, string]> = [
      [{ REDIS_SENTINELS: "10.0.0.1:26379" }, "REDIS_SENTINEL_MASTER:"],
      [{ REDIS_SENTINEL_MASTER: "pairline" }, "REDIS_SENTINELS:"],
      [{ REDIS_SENTINELS: "10.0.0.1", REDIS_SENTINEL_MASTER: "pairline" }, "REDIS_SENTINELS.0: expected host:port"],
      [{ REDIS_SENTINELS: "10.0.0.1:26379", REDIS_SENTINEL_MASTER: "pairline", REDIS_URL: "redis://10.0.0.5:6379" }, "REDIS_URL:"],
      [{ REDIS_URL: "redis://10.0.0.5:6379", REDIS_PASSWORD: "p" }, "REDIS_PASSWORD: only with REDIS_SENTINELS"],
      [{ REDIS_URL: "redis://10.0.0.5:6379", REDIS_SENTINEL_PASSWORD: "s" }, "REDIS_SENTINEL_PASSWORD: only with REDIS_SENTINELS"],
    ];
    for (const [env, named] of refused) {
      assert.throws(() => loadConfig(env), (error: unknown) => error instanceof ConfigError && error.message.includes(named), JSON.stringify(env));
    }
  });

  const badValues: Array<[string, string]> = [
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["NODE_ENV", "staging"],
    ["JWT_EXPIRES_IN", "forever"],
    ["BCRYPT_COST", "40"],
    ["REDIS_URL", "http://localhost:6379"],
    ["MONGODB_URI", "not a url"],
    ["LOG_LEVEL", "loud"],
    ["CORS_CREDENTIALS", "maybe"],
  ];
  for (const [name, value] of badValues) {
    it(`stops with a message naming ${name} when it is ${JSON.stringify(value)}`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (error: unknown) => error instanceof ConfigError && error.message.includes(`${name}:`),
      );
    });
  }

  it("outside production, leaves the JWT secret to DATA_DIR when unset and refuses the old example one", () => {
    assert.equal(loadConfig({}).jwt.secret, undefined);
    assert.equal(loadConfig({ JWT_SECRET: "" }).jwt.secret, undefined, "the empty value of .env.example");
    for (const NODE_ENV of ["development", "test"]) {
      assert.throws(() => loadConfig({ NODE_ENV, JWT_SECRET: EXAMPLE_JWT_SECRET }), /JWT_SECRET: the old example secret is public/);
    }
  });

  describe("in production", () => {
    const production = (env: Record<string, string>) => loadConfig({ NODE_ENV: "production", ...env });

    it("refuses to start without a JWT secret, or on the old example one", () => {
      assert.throws(() => production({}), /JWT_SECRET: required in production/);
      assert.throws(() => production({ JWT_SECRET: EXAMPLE_JWT_SECRET }), /JWT_SECRET: the old example secret is public/);
    });

    it("refuses a secret shorter than 32 bytes", () => {
      assert.throws(() => production({ JWT_SECRET: "short-but-not-example" }), /JWT_SECRET: must be at least 32 bytes/);
    });

    it("refuses CORS * with credentials", () => {
      assert.throws(
        () => production({ JWT_SECRET: STRONG_SECRET, CORS_ORIGIN: "*", CORS_CREDENTIALS: "true" }),
        /CORS_ORIGIN/,
      );
    });

    it("refuses /metrics open to anyone unless METRICS_PUBLIC says so", () => {
      assert.throws(() => production({ JWT_SECRET: STRONG_SECRET }), /METRICS_TOKEN: required in production/);
      assert.equal(production({ JWT_SECRET: STRONG_SECRET, METRICS_PUBLIC: "true" }).metricsPublic, true);
      assert.equal(production({ JWT_SECRET: STRONG_SECRET, METRICS_TOKEN: "t".repeat(24) }).metricsToken, "t".repeat(24));
      assert.equal(loadConfig({}).metricsToken, undefined, "development serves /metrics without a token");
    });

    it("starts with safe settings", () => {
      const config = production({ JWT_SECRET: STRONG_SECRET, METRICS_TOKEN: "t".repeat(24), CORS_ORIGIN: "https://chat.example" });
      assert.equal(config.isProduction, true);
      assert.deepEqual(config.corsOrigins, ["https://chat.example"]);
    });
  });
});

import path from "node:path";
import { z } from "zod";

/** The secret `.env.example` once shipped: public, so no deployment may sign with it. */
export const EXAMPLE_JWT_SECRET = "your-super-secret-jwt-key-change-this-in-production";
const MIN_PRODUCTION_SECRET_BYTES = 32;

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean));
/** Types an upload may have, judged from its bytes; `type/*` admits a whole family. */
const DEFAULT_UPLOAD_TYPES = [
  "image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic",
  "application/pdf",
  "audio/mpeg", "audio/ogg", "audio/wav", "audio/webm", "audio/x-m4a", "audio/mp4", "audio/aac", "audio/flac",
  "video/mp4", "video/webm", "video/quicktime",
  "text/plain",
];
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d|w|y)?$/, "expected a duration such as 3600, 15m, 12h or 7d");

/** Every environment variable Pairline reads, with its default. `.env.example` mirrors this list. */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: int(0, 65535).default(3001),
  HOST: z.string().min(1).optional(),
  PUBLIC_ADDRESS: z.string().min(1).optional(),
  CORS_ORIGIN: list.default(["*"]),
  CORS_CREDENTIALS: flag.default(false),
  TRUST_PROXY: z.string().default("false"),

  /** Unset outside production: a random one is kept in DATA_DIR (see `auth/development-secret.ts`). */
  JWT_SECRET: z.string().min(1).refine((v) => v !== EXAMPLE_JWT_SECRET, "the old example secret is public: remove it or set your own").optional(),
  JWT_EXPIRES_IN: duration.default("7d"),
  BCRYPT_COST: int(4, 15).default(12),
  PASSWORD_HASH_THREADS: int(1, 64).default(2),
  PASSWORD_HASH_QUEUE: int(0, 10_000).default(32),
  GUEST_TTL_HOURS: int(1, 24 * 365).default(24),
  GUEST_CHALLENGE: flag.default(true),
  GUEST_CHALLENGE_MAX_NUMBER: int(10, 100_000_000).default(100_000),
  GUEST_CHALLENGE_STRIKE_FACTOR: int(1, 100).default(4),
  GUEST_CHALLENGE_MAX_STRIKES: int(0, 10).default(3),
  GUEST_CHALLENGE_STRIKE_HOURS: int(1, 24 * 30).default(24),
  GUEST_CHALLENGE_EXPIRES_SECONDS: int(10, 24 * 3600).default(300),

  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_FILE: z.string().min(1).optional(),
  MONGODB_URI: z.url({ protocol: /^mongodb(\+srv)?$/ }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_SENTINELS: list.pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, "expected host:port[,host:port…]")).min(1)).optional(),
  REDIS_SENTINEL_MASTER: z.string().min(1).optional(),
  /** The password of the Sentinels themselves (their `requirepass`). */
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  /** The password of the primary and replicas the Sentinels name (their `requirepass`); with REDIS_URL it goes in the URL. */
  REDIS_PASSWORD: z.string().min(1).optional(),
  UPLOAD_DIR: z.string().min(1).optional(),
  UPLOAD_ALLOWED_TYPES: list.default(DEFAULT_UPLOAD_TYPES),
  UPLOAD_ROOM_MAX_FILES: int(1, 100_000).default(50),
  UPLOAD_ROOM_MAX_BYTES: int(1, 1024 * 1024 * 1024 * 1024).default(100 * 1024 * 1024),
  UPLOAD_MAX_AGE_HOURS: int(1, 24 * 365).default(24),
  UPLOAD_SWEEP_MINUTES: int(1, 24 * 60).default(10),
  IMAGE_MAX_PIXELS: int(1, 2 ** 40).default(50_000_000),
  /** What happens to an image nsfwjs flags: delivered marked `sensitive` (blurred until tapped), refused, or no screening. */
  IMAGE_SCREENING: z.enum(["blur", "refuse", "off"]).default("blur"),
  IMAGE_SENSITIVE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.6),
  IMAGE_SCREENING_THREADS: int(1, 64).default(1),
  IMAGE_SCREENING_QUEUE: int(1, 10_000).default(16),

  LOG_LEVEL: z.enum(["error", "warn", "info", "http", "debug", "silent"]).default("http"),
  LOG_DIR: z.string().min(1).default("./logs"),
  LOG_CONSOLE: flag.default(true),
  /** Set by PM2 for each instance of an app; every log line then names the instance and its port. */
  NODE_APP_INSTANCE: int(0, 100_000).optional(),

  ADMIN_USER: z.string().min(1).default("admin"),
  ADMIN_PASSWORD: z.string().min(1).optional(),

  JSON_BODY_LIMIT: int(1024, 10 * 1024 * 1024).default(100 * 1024),
  MAX_FILE_SIZE: int(1, 1024 * 1024 * 1024).default(10 * 1024 * 1024),
  MAX_VOICE_DURATION: int(1, 3600).default(300),
  RATE_LIMIT_AUTH_MAX: int(1, 1_000_000).optional(),
  RATE_LIMIT_API_MAX: int(1, 1_000_000).optional(),
  RATE_LIMIT_UPLOAD_MAX: int(1, 1_000_000).optional(),
  RATE_LIMIT_ROOM_MESSAGES: int(1, 1_000_000).default(100),
  RATE_LIMIT_AUTH_WINDOW_MS: int(1000, 24 * 3600 * 1000).default(15 * 60 * 1000),
  RATE_LIMIT_API_WINDOW_MS: int(1000, 24 * 3600 * 1000).default(15 * 60 * 1000),
  RATE_LIMIT_UPLOAD_WINDOW_MS: int(1000, 24 * 3600 * 1000).default(60 * 60 * 1000),
  RATE_LIMIT_MATCHMAKE_MAX: int(1, 1_000_000).optional(),
  RATE_LIMIT_MATCHMAKE_WINDOW_MS: int(1000, 24 * 3600 * 1000).default(60 * 1000),
  RATE_LIMIT_ADMIN_MAX: int(1, 1_000_000).default(10),
  RATE_LIMIT_ADMIN_WINDOW_MS: int(1000, 24 * 3600 * 1000).default(15 * 60 * 1000),
  MAX_HEADER_BYTES: int(1024, 1024 * 1024).default(16 * 1024),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  METRICS_PUBLIC: flag.default(false),

  TEXT_MAX_LENGTH: int(1, 100_000).default(4000),
  MAX_PAYLOAD_BYTES: int(4096, 16 * 1024 * 1024).default(64 * 1024),
  RECONNECT_GRACE: int(0, 3600).default(20),
  RECONNECT_BUFFER_MESSAGES: int(0, 10_000).default(100),
  RECONNECT_BUFFER_BYTES: int(0, 64 * 1024 * 1024).default(512 * 1024),
  OUTPUT_BUFFER_BYTES: int(64 * 1024, 256 * 1024 * 1024).default(1024 * 1024),
  MATCH_WIDEN_AFTER_MS: int(0, 600_000).default(5000),
  REMATCH_COOLDOWN: int(0, 86_400).default(60),
  PRESENCE_LEASE_SECONDS: int(2, 3600).default(30),
  PRESENCE_GRACE_MS: int(100, 60_000).default(3000),

  REPORT_BAN_THRESHOLD: int(1, 1000).default(3),
  REPORT_WINDOW_HOURS: int(1, 24 * 365).default(24),
  REPORT_BAN_HOURS: int(1, 24 * 365 * 10).default(24),
  REPORT_RETENTION_DAYS: int(1, 365 * 10).default(30),
  REPORT_RETENTION_SWEEP_MINUTES: int(1, 24 * 60).default(60),
  /** Independent reporters with verified evidence (within REPORT_WINDOW_HOURS) that put a user in the shadow pool; at or above REPORT_BAN_THRESHOLD, never. */
  SHADOW_POOL_REPORTERS: int(1, 1000).default(2),
  GUEST_PURGE_MINUTES: int(1, 24 * 60).default(60),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(10_000),

  STUN_URLS: list.default(["stun:stun.l.google.com:19302"]),
  TURN_URLS: list.default([]),
  TURN_SECRET: z.string().min(1).optional(),
  TURN_TTL: int(60, 7 * 24 * 3600).default(24 * 3600),
}).superRefine((env, context) => {
  const problem = (variable: string, message: string) => context.addIssue({ code: "custom", path: [variable], message });
  if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_MASTER) problem("REDIS_SENTINEL_MASTER", "required with REDIS_SENTINELS (the name the Sentinels monitor)");
  if (env.REDIS_SENTINEL_MASTER && !env.REDIS_SENTINELS) problem("REDIS_SENTINELS", "required with REDIS_SENTINEL_MASTER");
  if (env.REDIS_SENTINELS && env.REDIS_URL) problem("REDIS_URL", "set either REDIS_URL or REDIS_SENTINELS, not both");
  for (const variable of ["REDIS_PASSWORD", "REDIS_SENTINEL_PASSWORD"] as const) {
    if (env[variable] && !env.REDIS_SENTINELS) problem(variable, "only with REDIS_SENTINELS (with REDIS_URL, put the password in the URL)");
  }
});

export type Env = z.input<typeof envSchema>;

/** Where the shared Redis is: one address, or the primary that Sentinels name (and find again after a failover). */
export type RedisTarget =
  | { url: string }
  | { sentinels: Array<{ host: string; port: number }>; masterName: string; password?: string; sentinelPassword?: string };

function redisTarget(env: z.output<typeof envSchema>): RedisTarget | undefined {
  if (env.REDIS_URL) return { url: env.REDIS_URL };
  if (!env.REDIS_SENTINELS || !env.REDIS_SENTINEL_MASTER) return undefined;
  const sentinels = env.REDIS_SENTINELS.map((address) => {
    const at = address.lastIndexOf(":");
    return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
  });
  return {
    sentinels,
    masterName: env.REDIS_SENTINEL_MASTER,
    ...(env.REDIS_PASSWORD && { password: env.REDIS_PASSWORD }),
    ...(env.REDIS_SENTINEL_PASSWORD && { sentinelPassword: env.REDIS_SENTINEL_PASSWORD }),
  };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

function parseTrustProxy(raw: string): boolean | number | string[] {
  if (raw === "true") return true;
  if (raw === "false" || raw === "") return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw.split(",").map((s) => s.trim()).filter(Boolean);
}

/**
 * Per-IP request limits when unset: the seed's in production; in development generous ones,
 * so that re-running the README's examples or reloading the demo page never locks you out.
 */
const DEFAULT_RATE_LIMITS = {
  production: { auth: 5, api: 100, upload: 10, matchmake: 30 },
  development: { auth: 1000, api: 10_000, upload: 1000, matchmake: 1000 },
} as const;

function toConfig(env: z.output<typeof envSchema>) {
  const dataDir = path.resolve(env.DATA_DIR);
  const defaultLimits = DEFAULT_RATE_LIMITS[env.NODE_ENV === "production" ? "production" : "development"];
  return {
    env: env.NODE_ENV,
    isProduction: env.NODE_ENV === "production",
    port: env.PORT,
    host: env.HOST,
    publicAddress: env.PUBLIC_ADDRESS,
    corsOrigins: env.CORS_ORIGIN,
    corsCredentials: env.CORS_CREDENTIALS,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    jwt: { secret: env.JWT_SECRET, expiresIn: env.JWT_EXPIRES_IN },
    bcryptCost: env.BCRYPT_COST,
    passwordHashing: { threads: env.PASSWORD_HASH_THREADS, queue: env.PASSWORD_HASH_QUEUE },
    guestTtlHours: env.GUEST_TTL_HOURS,
    guestPurgeIntervalMs: env.GUEST_PURGE_MINUTES * 60 * 1000,
    guestChallenge: {
      enabled: env.GUEST_CHALLENGE,
      maxNumber: env.GUEST_CHALLENGE_MAX_NUMBER,
      strikeFactor: env.GUEST_CHALLENGE_STRIKE_FACTOR,
      maxStrikes: env.GUEST_CHALLENGE_MAX_STRIKES,
      strikeWindowMs: env.GUEST_CHALLENGE_STRIKE_HOURS * 3600 * 1000,
      expiresMs: env.GUEST_CHALLENGE_EXPIRES_SECONDS * 1000,
    },
    moderation: {
      reportBanThreshold: env.REPORT_BAN_THRESHOLD,
      reportWindowMs: env.REPORT_WINDOW_HOURS * 3600 * 1000,
      reportBanMs: env.REPORT_BAN_HOURS * 3600 * 1000,
      reportRetentionMs: env.REPORT_RETENTION_DAYS * 24 * 3600 * 1000,
      reportSweepIntervalMs: env.REPORT_RETENTION_SWEEP_MINUTES * 60 * 1000,
      shadowPoolReporters: env.SHADOW_POOL_REPORTERS,
    },
    dataDir,
    databaseFile:
      env.DATABASE_FILE === ":memory:"
        ? ":memory:"
        : path.resolve(env.DATABASE_FILE ?? path.join(dataDir, "pairline.db")),
    mongodbUri: env.MONGODB_URI,
    redis: redisTarget(env),
    uploads: {
      dir: path.resolve(env.UPLOAD_DIR ?? path.join(dataDir, "uploads")),
      allowedTypes: env.UPLOAD_ALLOWED_TYPES,
      roomMaxFiles: env.UPLOAD_ROOM_MAX_FILES,
      roomMaxBytes: env.UPLOAD_ROOM_MAX_BYTES,
      maxAgeMs: env.UPLOAD_MAX_AGE_HOURS * 3600 * 1000,
      sweepIntervalMs: env.UPLOAD_SWEEP_MINUTES * 60 * 1000,
      imageMaxPixels: env.IMAGE_MAX_PIXELS,
    },
    screening: {
      policy: env.IMAGE_SCREENING,
      threshold: env.IMAGE_SENSITIVE_THRESHOLD,
      threads: env.IMAGE_SCREENING_THREADS,
      queue: env.IMAGE_SCREENING_QUEUE,
    },
    log: {
      level: env.LOG_LEVEL,
      dir: path.resolve(env.LOG_DIR),
      console: env.LOG_CONSOLE,
      ...(env.NODE_APP_INSTANCE === undefined ? {} : { instance: { instance: env.NODE_APP_INSTANCE, port: env.PORT } }),
    },
    admin: { user: env.ADMIN_USER, password: env.ADMIN_PASSWORD },
    rateLimits: {
      authMax: env.RATE_LIMIT_AUTH_MAX ?? defaultLimits.auth,
      apiMax: env.RATE_LIMIT_API_MAX ?? defaultLimits.api,
      uploadMax: env.RATE_LIMIT_UPLOAD_MAX ?? defaultLimits.upload,
      matchmakeMax: env.RATE_LIMIT_MATCHMAKE_MAX ?? defaultLimits.matchmake,
      authWindowMs: env.RATE_LIMIT_AUTH_WINDOW_MS,
      apiWindowMs: env.RATE_LIMIT_API_WINDOW_MS,
      uploadWindowMs: env.RATE_LIMIT_UPLOAD_WINDOW_MS,
      matchmakeWindowMs: env.RATE_LIMIT_MATCHMAKE_WINDOW_MS,
      adminMax: env.RATE_LIMIT_ADMIN_MAX,
      adminWindowMs: env.RATE_LIMIT_ADMIN_WINDOW_MS,
    },
    metricsToken: env.METRICS_TOKEN,
    metricsPublic: env.METRICS_PUBLIC,
    limits: {
      jsonBodyBytes: env.JSON_BODY_LIMIT,
      maxHeaderBytes: env.MAX_HEADER_BYTES,
      maxFileSize: env.MAX_FILE_SIZE,
      maxVoiceDurationSeconds: env.MAX_VOICE_DURATION,
      roomMessagesPerMinute: env.RATE_LIMIT_ROOM_MESSAGES,
      textMaxLength: env.TEXT_MAX_LENGTH,
      maxPayloadBytes: env.MAX_PAYLOAD_BYTES,
      reconnectGraceSeconds: env.RECONNECT_GRACE,
      reconnectBufferMessages: env.RECONNECT_BUFFER_MESSAGES,
      reconnectBufferBytes: env.RECONNECT_BUFFER_BYTES,
      outputBufferBytes: env.OUTPUT_BUFFER_BYTES,
      matchWidenAfterMs: env.MATCH_WIDEN_AFTER_MS,
      rematchCooldownSeconds: env.REMATCH_COOLDOWN,
      presenceLeaseMs: env.PRESENCE_LEASE_SECONDS * 1000,
      presenceGraceMs: env.PRESENCE_GRACE_MS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    },
    rtc: {
      stunUrls: env.STUN_URLS,
      turnUrls: env.TURN_URLS,
      turnSecret: env.TURN_SECRET,
      turnTtlSeconds: env.TURN_TTL,
    },
  };
}

type Mutable = ReturnType<typeof toConfig>;
type DeepReadonly<T> = { readonly [K in keyof T]: T[K] extends object ? DeepReadonly<T[K]> : T[K] };
export type Config = DeepReadonly<Mutable>;

/** Reasons a production deployment must not start, each naming the variable to fix. */
function unsafeProductionSettings(config: Mutable): string[] {
  const problems: string[] = [];
  if (config.jwt.secret === undefined) {
    problems.push(`JWT_SECRET: required in production (${MIN_PRODUCTION_SECRET_BYTES} or more random bytes)`);
  } else if (Buffer.byteLength(config.jwt.secret) < MIN_PRODUCTION_SECRET_BYTES) {
    problems.push(`JWT_SECRET: must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes in production`);
  }
  if (config.corsOrigins.includes("*") && config.corsCredentials) {
    problems.push("CORS_ORIGIN: '*' cannot be combined with CORS_CREDENTIALS=true in production");
  }
  if (!config.metricsToken && !config.metricsPublic) {
    problems.push("METRICS_TOKEN: required in production, or METRICS_PUBLIC=true when /metrics is kept off the public proxy");
  }
  if (config.rtc.turnUrls.length > 0 && !config.rtc.turnSecret) {
    problems.push("TURN_SECRET: required when TURN_URLS is set");
  }
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Reads the environment once into a typed, validated, frozen object; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const config = toConfig(parsed.data);
  if (config.isProduction) {
    const problems = unsafeProductionSettings(config);
    if (problems.length > 0) {
      throw new ConfigError(`Refusing to start in production:\n  ${problems.join("\n  ")}`);
    }
  }
  return deepFreeze(config);
}

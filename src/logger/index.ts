import fs from "node:fs";
import path from "node:path";
import winston from "winston";
import type { Config } from "../config/index.ts";

export type Logger = winston.Logger;

/** Keys whose values never reach a log line: credentials and what users say to each other. */
const SECRET_KEYS = new Set([
  "password",
  "passwordhash",
  "token",
  "authorization",
  "cookie",
  "jwt",
  "secret",
  "content",
  "text",
  "body",
  "offer",
  "answer",
  "sdp",
  "candidate",
  "reservation",
]);
const URL_KEYS = new Set(["url", "path", "originalUrl"]);
const REDACTED = "[redacted]";

function stripQuery(url: string): string {
  const at = url.indexOf("?");
  return at === -1 ? url : url.slice(0, at);
}

function scrub(value: unknown, depth: number): unknown {
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_KEYS.has(key.toLowerCase())) out[key] = REDACTED;
    else if (URL_KEYS.has(key) && typeof v === "string") out[key] = stripQuery(v);
    else out[key] = scrub(v, depth + 1);
  }
  return out;
}

/** Removes secrets and message bodies from every log entry, whoever logs it. */
const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (SECRET_KEYS.has(key.toLowerCase())) info[key] = REDACTED;
    else if (URL_KEYS.has(key) && typeof info[key] === "string") info[key] = stripQuery(info[key] as string);
    else info[key] = scrub(info[key], 1);
  }
  return info;
});

const readableLine = winston.format.printf(({ timestamp, level, message, requestId, stack, instance, port, ...meta }) => {
  const where = instance === undefined ? "" : ` #${String(instance)}:${String(port)}`;
  const id = requestId ? ` [${String(requestId)}]` : "";
  const rest = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : "";
  const trace = stack ? `\n${String(stack)}` : "";
  return `${String(timestamp)} ${level}${where}${id}: ${String(message)}${rest}${trace}`;
});

export function createLogger(config: Pick<Config, "log" | "isProduction">): Logger {
  const silent = config.log.level === "silent";
  const json = winston.format.combine(winston.format.timestamp(), winston.format.json());
  const transports: winston.transport[] = [
    new winston.transports.Console({
      silent: silent || !config.log.console,
      format: config.isProduction
        ? json
        : winston.format.combine(winston.format.timestamp(), winston.format.colorize(), readableLine),
    }),
  ];
  if (!silent) {
    fs.mkdirSync(config.log.dir, { recursive: true });
    transports.push(
      new winston.transports.File({ filename: path.join(config.log.dir, "combined.log"), format: json }),
      new winston.transports.File({ filename: path.join(config.log.dir, "error.log"), level: "error", format: json }),
    );
  }
  return skipDisabledLevels(
    winston.createLogger({
      level: silent ? "error" : config.log.level,
      // Under PM2 several instances write to one log: each line says which one.
      defaultMeta: config.log.instance,
      format: winston.format.combine(redact(), winston.format.errors({ stack: true })),
      transports,
    }),
  );
}

/**
 * Winston formats (and redacts) an entry before its transports drop it for its level, so
 * a disabled level, such as the access line of every request at the default `warn`, still
 * cost its formatting. Its methods return at once instead.
 */
function skipDisabledLevels(logger: Logger): Logger {
  for (const level of Object.keys(logger.levels)) {
    const write = (logger as unknown as Record<string, (...args: unknown[]) => Logger>)[level]!;
    Object.defineProperty(logger, level, {
      value: (...args: unknown[]) => (logger.isLevelEnabled(level) ? write.apply(logger, args) : logger),
    });
  }
  return logger;
}

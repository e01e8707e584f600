import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const FILE_NAME = "jwt-secret";
const MIN_LENGTH = 32;

function readSecret(file: string): string | null {
  try {
    const secret = fs.readFileSync(file, "utf8").trim();
    if (secret.length < MIN_LENGTH) throw new Error(`${file} holds no usable secret: delete it, or set JWT_SECRET`);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/**
 * The signing secret of a development or test deployment that set no `JWT_SECRET`:
 * random, made at first start and kept in `DATA_DIR/jwt-secret` (mode 0600), so
 * restarts keep sessions and no published value can forge a token. It is written
 * whole to a file of its own and then hard-linked into place, which fails if the
 * name exists: processes starting together on one DATA_DIR all end up reading the
 * one that won.
 */
export function developmentJwtSecret(dataDir: string): { secret: string; file: string; created: boolean } {
  const file = path.join(dataDir, FILE_NAME);
  const existing = readSecret(file);
  if (existing) return { secret: existing, file, created: false };

  fs.mkdirSync(dataDir, { recursive: true });
  const candidate = path.join(dataDir, `.${FILE_NAME}.${process.pid}.${randomBytes(6).toString("hex")}`);
  fs.writeFileSync(candidate, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  let created = true;
  try {
    fs.linkSync(candidate, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    created = false;
  } finally {
    fs.rmSync(candidate, { force: true });
  }
  const secret = readSecret(file);
  if (!secret) throw new Error(`${file} vanished as it was created`);
  return { secret, file, created };
}

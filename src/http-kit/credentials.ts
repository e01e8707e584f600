import { createHash, timingSafeEqual } from "node:crypto";

/** Compares a presented secret with the expected one in time that depends on neither's content or length. */
export function secretsMatch(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The credential after `scheme` in an Authorization header (`Bearer x`, `Basic y`), or null. */
export function credentialOf(header: string | undefined, scheme: "bearer" | "basic"): string | null {
  if (!header) return null;
  const space = header.indexOf(" ");
  if (space < 0 || header.slice(0, space).toLowerCase() !== scheme) return null;
  const credential = header.slice(space + 1).trim();
  return credential === "" ? null : credential;
}

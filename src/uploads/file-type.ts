import fsp from "node:fs/promises";
import { fileTypeFromFile } from "file-type";

export interface DetectedType {
  /** Without parameters, lower case. */
  mime: string;
  ext: string;
}

const TEXT_PLAIN: DetectedType = { mime: "text/plain", ext: "txt" };
const UTF8 = new TextDecoder("utf-8", { fatal: true });
/** C0 controls other than tab, line feed, form feed and carriage return; NUL among them. */
const BINARY_CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;

const baseMime = (mime: string) => mime.split(";")[0]!.trim().toLowerCase();

/**
 * Plain text has no signature, so it is accepted only when the sender says it is
 * text/plain and the bytes agree: valid UTF-8 without NULs or other binary controls.
 */
async function isPlainText(file: string): Promise<boolean> {
  const bytes = await fsp.readFile(file);
  try {
    return !BINARY_CONTROL.test(UTF8.decode(bytes));
  } catch {
    return false;
  }
}

/** The type of a file judged from its bytes; the declared type only matters for plain text. */
export async function detectFileType(file: string, declaredMime: string): Promise<DetectedType | null> {
  const detected = await fileTypeFromFile(file);
  if (detected) return { mime: baseMime(detected.mime), ext: detected.ext };
  if (baseMime(declaredMime) === TEXT_PLAIN.mime && (await isPlainText(file))) return TEXT_PLAIN;
  return null;
}

/** `allowed` holds exact types (`image/png`) and families (`image/*`). */
export function isAllowedType(mime: string, allowed: readonly string[]): boolean {
  const family = `${mime.split("/")[0]}/*`;
  return allowed.some((entry) => {
    const normalised = entry.toLowerCase();
    return normalised === mime || normalised === family;
  });
}

/** Types a browser shows without running anything; everything else is served as a download. */
export function isSafeInline(mime: string): boolean {
  return (
    /^image\/(jpeg|png|gif|webp|avif)$/.test(mime) ||
    /^(audio|video)\//.test(mime) ||
    mime === "application/pdf"
  );
}

/**
 * A file's name is only a label shown to the partner. It keeps the last path segment,
 * loses control and formatting characters (bidi overrides that disguise `exe`s among
 * them), and ends in an extension that matches the real type, so a PNG named
 * `setup.exe` is saved as `setup.exe.png`.
 */
const MAX_NAME_LENGTH = 120;
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

const EQUIVALENT_EXTENSIONS: Record<string, readonly string[]> = {
  jpg: ["jpg", "jpeg", "jpe", "jfif"],
  txt: ["txt", "text", "log", "md", "csv"],
  mp4: ["mp4", "m4v"],
  m4a: ["m4a", "mp4", "aac"],
  mov: ["mov", "qt"],
  ogg: ["ogg", "oga", "opus"],
  opus: ["opus", "ogg", "oga"],
  webm: ["webm", "weba"],
  heic: ["heic", "heif"],
  mp3: ["mp3", "mpga"],
};

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

export function displayName(raw: string | undefined, ext: string, fallback: string): string {
  const lastSegment = (raw ?? "").split(/[/\\]/).pop() ?? "";
  let name = lastSegment
    .normalize("NFC")
    .replace(INVISIBLE, "")
    .replace(/\s+/g, " ")
    .replace(/^[\s.]+/, "")
    .trim();
  if (!name) name = fallback;
  const current = extensionOf(name);
  const keepsOwn = (EQUIVALENT_EXTENSIONS[ext] ?? [ext]).includes(current);
  const stem = keepsOwn ? name.slice(0, -(current.length + 1)) : name;
  const suffix = keepsOwn ? name.slice(stem.length) : `.${ext}`;
  return Array.from(stem).slice(0, MAX_NAME_LENGTH - suffix.length).join("").trimEnd() + suffix;
}

import { Protocol } from "@colyseus/core";
import { Packr } from "msgpackr";
import { roomFrame } from "../helpers/attack.ts";

/** mulberry32: a small seeded PRNG, so that a failing run can be replayed from its seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
  };
}
export type Rng = ReturnType<typeof prng>;

const packr = new Packr({ useRecords: false });
const NASTY_KEYS = ["__proto__", "constructor", "prototype", "toString", "", "type", "content", "id", "preferences", "messages"];
const NASTY_STRINGS = ["", " ", "\u0000", "\ud800", "😀".repeat(50), "<script>alert(1)</script>", "../../etc/passwd", "%00", "null", "NaN", "-1", "1e309"];

export function randomString(rng: Rng, long = true): string {
  if (rng.chance(0.3)) return rng.pick(NASTY_STRINGS);
  const length = long && rng.chance(0.05) ? rng.int(60_000) : rng.int(40);
  let out = "";
  for (let i = 0; i < length; i++) out += String.fromCharCode(rng.chance(0.9) ? 32 + rng.int(95) : rng.int(0xffff));
  return out;
}

/** Any value msgpack can carry: wrong types, huge and odd numbers, deep or wide structures. */
export function randomValue(rng: Rng, depth = 0): unknown {
  const kind = rng.int(depth > 3 ? 8 : 11);
  switch (kind) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return rng.pick([0, -1, 1, 2 ** 31, -(2 ** 31), 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity, -0, 0.1]);
    case 3: return rng.int(1000) - 500;
    case 4: return rng.pick([2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n]);
    case 5:
    case 6: return randomString(rng, depth === 0);
    case 7: return Buffer.alloc(depth === 0 && rng.chance(0.1) ? rng.int(60_000) : rng.int(64), rng.int(256));
    case 8:
      if (depth === 0 && rng.chance(0.05)) return Array.from({ length: rng.int(5000) }, () => rng.int(2 ** 31));
      return Array.from({ length: rng.int(6) }, () => randomValue(rng, depth + 1));
    default:
      // Own keys, as a decoder makes them: assigning `__proto__` would set the prototype instead (to a Buffer,
      // whose numeric keys then refuse a BigInt value), and the payload would not carry the key at all.
      return Object.fromEntries(
        Array.from({ length: rng.int(6) }, () => [rng.chance(0.5) ? rng.pick(NASTY_KEYS) : randomString(rng).slice(0, 20), randomValue(rng, depth + 1)]),
      );
  }
}

/** A payload shaped like one of the protocol's, each field possibly of the wrong type or size. */
function shapedPayload(rng: Rng): unknown {
  const field = () => (rng.chance(0.5) ? randomValue(rng, 2) : rng.pick(["text", "file", "voice", "audio", "video", true, 1, "x"]));
  return rng.pick([
    () => ({ type: field(), content: rng.chance(0.5) ? randomString(rng) : field(), clientMessageId: field() }),
    () => ({ typing: field() }),
    () => ({ offer: { type: field(), sdp: rng.chance(0.5) ? randomString(rng) : field() }, type: field() }),
    () => ({ candidate: { candidate: field(), sdpMid: field(), sdpMLineIndex: field() } }),
    () => ({ category: field(), reason: field(), messages: [randomValue(rng, 2)] }),
    () => ({ preferences: { interests: [field(), field()], language: field(), gender: field() }, shareCountry: field() }),
    () => ({ type: "file", fileId: field() }),
  ])();
}

/** Packed, and small enough for one frame (`MAX_PAYLOAD_BYTES`): a larger one would only measure the frame limit. */
function packed(value: unknown): Uint8Array {
  try {
    const bytes = packr.pack(value);
    return bytes.length < 60_000 ? bytes : packr.pack(null);
  } catch {
    return packr.pack(null);
  }
}

export interface FrameMix {
  /** Message types the room knows. */
  types: readonly string[];
  /** Share of frames a client could not have produced, which close the connection. */
  closingShare: number;
}

/** A frame a client sends to a room: mostly well-formed with odd payloads, some malformed. */
export function randomFrame(rng: Rng, mix: FrameMix): Buffer {
  if (rng.chance(mix.closingShare)) {
    return rng.pick([
      () => Buffer.alloc(0),
      () => Buffer.from(Array.from({ length: 1 + rng.int(200) }, () => rng.int(256))),
      () => {
        const whole = roomFrame(Protocol.ROOM_DATA, rng.pick(mix.types), packed(shapedPayload(rng)));
        return whole.subarray(0, Math.max(2, whole.length - 1 - rng.int(4)));
      },
    ])();
  }
  const type = rng.chance(0.85) ? rng.pick(mix.types) : rng.chance(0.5) ? randomString(rng).slice(0, 100) : rng.int(70000) - 100;
  const payload = rng.chance(0.6) ? packed(shapedPayload(rng)) : packed(randomValue(rng));
  return rng.pick([
    () => roomFrame(Protocol.ROOM_DATA, type, payload),
    () => roomFrame(Protocol.ROOM_DATA, type, payload),
    () => roomFrame(Protocol.ROOM_DATA, type, payload),
    () => roomFrame(Protocol.ROOM_REQUEST, type, rng.chance(0.8) ? payload : payload.subarray(0, payload.length - 1), rng.int(2 ** 31)),
    () => roomFrame(Protocol.ROOM_DATA_BYTES, type, Buffer.from(payload)),
    () => roomFrame(Protocol.ROOM_DATA, type),
    () => Buffer.from([Protocol.PING]),
    () => Buffer.from([Protocol.JOIN_ROOM]),
  ])();
}

/** What a header can carry: Latin-1 only (fetch refuses the rest before sending). */
export const latin1 = (text: string) => text.replace(/[^\x20-\x7e\xa0-\xff]/g, "?");

export const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=latin1",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/octet-stream",
  "application/merge-patch+json",
  "",
];

/** A request body: JSON of any shape, or bytes that only pretend to be JSON. */
export function randomBody(rng: Rng): string | undefined {
  if (rng.chance(0.1)) return undefined;
  if (rng.chance(0.15)) return rng.pick(["{", "{\"a\":", "[[[[", "nul", "\"", "{\"__proto__\":{\"admin\":true}}", "--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--xyz--", "a=1&b=2"]);
  const value = rng.chance(0.6) ? shapedRestBody(rng) : randomValue(rng);
  try {
    return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v)) ?? "null";
  } catch {
    return "null";
  }
}

function shapedRestBody(rng: Rng): unknown {
  const field = () => (rng.chance(0.6) ? randomString(rng) : randomValue(rng, 2));
  return rng.pick([
    () => ({ username: field(), email: rng.chance(0.5) ? `${randomString(rng).slice(0, 10)}@example.com` : field(), password: field() }),
    () => ({ email: field(), password: field() }),
    () => ({ username: field(), deviceId: field() }),
    () => ({ category: field(), reason: field(), messages: [randomValue(rng, 2)], roomId: field() }),
    () => ({ deviceId: field() }),
    () => ({ reason: field(), hours: field() }),
    () => ({ reconnectionToken: field(), preferences: field() }),
  ])();
}

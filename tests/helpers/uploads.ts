import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

/** Files the upload tests make themselves. */

/** An 8-bit mono PCM WAV of `seconds` at `sampleRate` (8 kHz: 8,000 bytes a second); `claimedSeconds` lies in the header. */
export function wav(seconds: number, options: { sampleRate?: number; claimedSeconds?: number } = {}): Buffer {
  const sampleRate = options.sampleRate ?? 8000;
  const samples = Math.round(seconds * sampleRate);
  const claimed = Math.round((options.claimedSeconds ?? seconds) * sampleRate);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + claimed, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate, 28); // bytes per second
  header.writeUInt16LE(1, 32); // block align
  header.writeUInt16LE(8, 34); // bits per sample
  header.write("data", 36, "ascii");
  header.writeUInt32LE(claimed, 40);
  const data = Buffer.alloc(samples);
  for (let i = 0; i < samples; i++) data[i] = 128 + Math.round(60 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
  return Buffer.concat([header, data]);
}

/**
 * A CBR MP3 (MPEG-1 Layer III, 32 kbps, 48 kHz, mono: 96-byte frames of 24 ms of
 * silence) of `seconds`; the first frame is a Xing header claiming `claimedFrames`
 * frames (by default the true count), as an encoder writes it.
 */
export function mp3(seconds: number, options: { claimedFrames?: number } = {}): Buffer {
  const frames = Math.round(seconds / 0.024);
  const frame = () => {
    const bytes = Buffer.alloc(96);
    bytes.set([0xff, 0xfb, 0x14, 0xc0]);
    return bytes;
  };
  const xing = frame();
  xing.write("Xing", 4 + 17, "ascii"); // after the header and mono side information
  xing.writeUInt32BE(0x3, 25); // frame count and byte count present
  xing.writeUInt32BE(options.claimedFrames ?? frames, 29);
  xing.writeUInt32BE((options.claimedFrames ?? frames) * 96, 33);
  return Buffer.concat([xing, ...Array.from({ length: frames }, frame)]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid RGB PNG with a colour gradient. */
export function png(width = 16, height = 16): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set([x * 15, y * 15, 128], y * (1 + width * 3) + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", zlib.deflateSync(rows)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Only the start of a PNG: its signature and a header claiming `width` x `height`, as a decoder would first read. */
export function pngHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", header), pngChunk("IDAT", zlib.deflateSync(Buffer.alloc(64)))]);
}

/** The start of a 64-bit Linux executable. */
export function elf(): Buffer {
  const bytes = Buffer.alloc(4096);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  bytes.writeUInt16LE(2, 16); // ET_EXEC
  bytes.writeUInt16LE(0x3e, 18); // x86-64
  return bytes;
}

/**
 * How long the first image a server screens may take: the screening model loads in its
 * worker then (7.6 s on Node and 11 s on Bun at load 17-25), later images take under a second.
 */
export const FIRST_IMAGE_MS = 60_000;

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures");
/** 7.3 s of Opus in WebM shaped like a MediaRecorder file (see tests/fixtures/README.md). */
export const VOICE_WEBM_FIXTURE = path.join(FIXTURES, "voice-7.3s-opus.webm");
/** 4.2 s of a tone encoded by LAME in VBR, with an ID3v2 tag and a Xing/LAME header (see tests/fixtures/README.md). */
export const VOICE_MP3_FIXTURE = path.join(FIXTURES, "voice-4.2s-vbr.mp3");
/** 1.98 s recorded by Chromium's MediaRecorder. */
export const CHROMIUM_VOICE_FIXTURE = path.join(FIXTURES, "voice-chromium-mediarecorder.webm");

export interface UploadAnswer {
  status: number;
  body: any;
}

export async function uploadFile(
  baseUrl: string,
  token: string | undefined,
  fields: { roomId?: string; bytes: Uint8Array; name?: string; type?: string },
  kind: "file" | "voice" = "file",
): Promise<UploadAnswer> {
  const form = new FormData();
  if (fields.roomId !== undefined) form.set("roomId", fields.roomId);
  form.set(kind, new Blob([fields.bytes], { type: fields.type ?? "application/octet-stream" }), fields.name ?? "upload.bin");
  const response = await fetch(`${baseUrl}/api/uploads${kind === "voice" ? "/voice" : ""}`, {
    method: "POST",
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  return { status: response.status, body: await response.json() };
}

export async function download(baseUrl: string, token: string, fileId: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/api/uploads/${encodeURIComponent(fileId)}`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes, json: () => JSON.parse(bytes.toString("utf8")) };
}

/** Every regular file under `dir`, relative to it. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}


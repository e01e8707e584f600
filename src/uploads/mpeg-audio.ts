/**
 * How long MPEG audio (MP3, and Layers I and II) plays, counted from the frames
 * actually present, as a player's demuxer walks them: a Xing, VBRI or LAME header
 * only claims a frame count, and a file can claim 100 frames while holding 20,000.
 * The walk locks on the first frame confirmed by the next one and then follows
 * frames of the same version, layer and sample rate, resynchronising byte by byte
 * over anything else (tags, junk).
 */
const BITRATES_KBPS = {
  v1l1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  v1l2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  v1l3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2l1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  v2l23: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
} as const;
/** By the header's version bits: 0 MPEG-2.5, 2 MPEG-2, 3 MPEG-1 (1 is reserved). */
const SAMPLE_RATES: Record<number, readonly number[]> = { 0: [11025, 12000, 8000], 2: [22050, 24000, 16000], 3: [44100, 48000, 32000] };

interface FrameHeader {
  /** Version, layer and sample rate: what every frame of one stream shares. */
  stream: number;
  length: number;
  samples: number;
  sampleRate: number;
}

function frameAt(bytes: Uint8Array, at: number): FrameHeader | null {
  if (at + 4 > bytes.length || bytes[at] !== 0xff || (bytes[at + 1]! & 0xe0) !== 0xe0) return null;
  const version = (bytes[at + 1]! >> 3) & 3;
  const layer = 4 - ((bytes[at + 1]! >> 1) & 3); // 1, 2 or 3; 4 is reserved
  const bitrateIndex = bytes[at + 2]! >> 4;
  const rateIndex = (bytes[at + 2]! >> 2) & 3;
  const padding = (bytes[at + 2]! >> 1) & 1;
  // Free-format bitrates (index 0) cannot be timed without decoding; a player treats them as unusual too.
  if (version === 1 || layer === 4 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const sampleRate = SAMPLE_RATES[version]![rateIndex]!;
  const mpeg1 = version === 3;
  const table = mpeg1 ? (layer === 1 ? "v1l1" : layer === 2 ? "v1l2" : "v1l3") : layer === 1 ? "v2l1" : "v2l23";
  const bitrate = BITRATES_KBPS[table][bitrateIndex]! * 1000;
  const samples = layer === 1 ? 384 : layer === 3 && !mpeg1 ? 576 : 1152;
  const length =
    layer === 1 ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4 : Math.floor(((samples / 8) * bitrate) / sampleRate) + padding;
  return { stream: (bytes[at + 1]! & 0xfe) * 4 + rateIndex, length, samples, sampleRate };
}

/** Where the audio starts: after an ID3v2 tag, whose size is four 7-bit bytes (plus a footer when flagged). */
function audioStart(bytes: Uint8Array): number {
  if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0;
  const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
  const footer = bytes[5]! & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

/** Seconds of MPEG audio in `bytes`, or null when no stream of frames is found. */
export function mpegAudioDuration(bytes: Uint8Array): number | null {
  let at = audioStart(bytes);
  let stream: number | null = null;
  let seconds = 0;
  while (at + 4 <= bytes.length) {
    const frame = frameAt(bytes, at);
    const usable =
      frame !== null &&
      (stream === null ? at + frame.length >= bytes.length || frameAt(bytes, at + frame.length)?.stream === frame.stream : frame.stream === stream);
    if (!usable) {
      do at += 1;
      while (at < bytes.length && bytes[at] !== 0xff);
      continue;
    }
    stream = frame.stream;
    seconds += frame.samples / frame.sampleRate;
    at += frame.length;
  }
  return stream === null ? null : seconds;
}

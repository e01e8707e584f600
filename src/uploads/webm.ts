/**
 * What a WebM/Matroska file holds (audio and video tracks) and how long it plays,
 * measured from its blocks rather than read from its header: Chrome's MediaRecorder
 * writes no Duration and gives its clusters an unknown size (which music-metadata
 * 12 cannot parse), and a header could say anything. The end of the media is the
 * latest block timestamp plus that block's own length (for Opus, from the packet's
 * TOC byte, RFC 6716 §3.1), less the codec delay.
 */
const Id = {
  Segment: 0x18538067,
  Info: 0x1549a966,
  TimestampScale: 0x2ad7b1,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  CodecDelay: 0x56aa,
  CodecId: 0x86,
  DefaultDuration: 0x23e383,
  Cluster: 0x1f43b675,
  ClusterTimestamp: 0xe7,
  BlockGroup: 0xa0,
  Block: 0xa1,
  BlockDuration: 0x9b,
  SimpleBlock: 0xa3,
} as const;

/** Masters whose children are read in place; they may have an unknown size. */
const CONTAINERS = new Set<number>([Id.Segment, Id.Info, Id.Tracks, Id.Cluster, Id.BlockGroup]);
const DEFAULT_TIMESTAMP_SCALE_NS = 1_000_000;

interface Vint {
  value: number;
  length: number;
  unknown: boolean;
}

/** An EBML variable-size integer; ids keep their marker bit, sizes lose it. */
function readVint(bytes: Uint8Array, at: number, keepMarker: boolean): Vint | null {
  const first = bytes[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = bytes[at + i]!;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function readUint(bytes: Uint8Array, start: number, size: number): number {
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + bytes[start + i]!;
  return value;
}

const SILK_MS = [10, 20, 40, 60];
const CELT_MS = [2.5, 5, 10, 20];

/** Milliseconds of audio in one Opus packet, from its TOC byte and frame count. */
export function opusPacketMs(packet: Uint8Array): number {
  const toc = packet[0];
  if (toc === undefined) return 0;
  const config = toc >> 3;
  const frameMs = config < 12 ? SILK_MS[config % 4]! : config < 16 ? (config % 2 === 0 ? 10 : 20) : CELT_MS[config % 4]!;
  const code = toc & 3;
  const frames = code === 0 ? 1 : code < 3 ? 2 : (packet[1] ?? 0) & 0x3f;
  return frames * frameMs;
}

const TrackType = { Video: 1, Audio: 2 } as const;

interface Track {
  type: number;
  codec: string;
  defaultDurationNs: number;
  codecDelayNs: number;
}

class Scan {
  scaleNs = DEFAULT_TIMESTAMP_SCALE_NS;
  clusterTicks = 0;
  endNs = 0;
  tracks = new Map<number, Track>();
  lastBlock: { startTicks: number; delayNs: number } | null = null;
}

function timeBlock(scan: Scan, block: Uint8Array, start: number, end: number) {
  const track = readVint(block, start, false);
  if (!track || start + track.length + 3 > end) return null;
  const header = start + track.length;
  const relative = ((block[header]! << 8) | block[header + 1]!) << 16 >> 16;
  const flags = block[header + 2]!;
  const lacing = (flags >> 1) & 3;
  const payload = header + 3;
  const frames = lacing === 0 ? 1 : (block[payload] ?? 0) + 1;
  const info = scan.tracks.get(track.value);
  let lengthNs = info?.defaultDurationNs ? info.defaultDurationNs * frames : 0;
  if (info?.codec === "A_OPUS" && lacing === 0) lengthNs = opusPacketMs(block.subarray(payload, end)) * 1e6;
  return { trackStartTicks: scan.clusterTicks + relative, lengthNs, delayNs: info?.codecDelayNs ?? 0 };
}

/** The unsigned children of a TrackEntry, by the field they fill. */
const TRACK_FIELDS = new Map<number, "number" | "type" | "defaultDurationNs" | "codecDelayNs">([
  [Id.TrackNumber, "number"],
  [Id.TrackType, "type"],
  [Id.DefaultDuration, "defaultDurationNs"],
  [Id.CodecDelay, "codecDelayNs"],
]);

function readTrackEntry(bytes: Uint8Array, from: number, to: number): Track & { number: number } {
  const entry = { number: -1, type: 0, codec: "", defaultDurationNs: 0, codecDelayNs: 0 };
  for (const { id, start, size } of elements(bytes, from, to)) {
    const field = TRACK_FIELDS.get(id);
    if (field) entry[field] = readUint(bytes, start, size);
    if (id === Id.CodecId) entry.codec = new TextDecoder().decode(bytes.subarray(start, start + size)).replace(/\0+$/, "");
  }
  return entry;
}

function visit(scan: Scan, bytes: Uint8Array, { id, start, size }: Element): void {
  switch (id) {
    case Id.TimestampScale:
      scan.scaleNs = readUint(bytes, start, size) || DEFAULT_TIMESTAMP_SCALE_NS;
      break;
    case Id.TrackEntry: {
      const { number, ...track } = readTrackEntry(bytes, start, start + size);
      if (number >= 0) scan.tracks.set(number, track);
      break;
    }
    case Id.ClusterTimestamp:
      scan.clusterTicks = readUint(bytes, start, size);
      break;
    case Id.SimpleBlock:
    case Id.Block: {
      const block = timeBlock(scan, bytes, start, start + size);
      if (!block) break;
      scan.lastBlock = { startTicks: block.trackStartTicks, delayNs: block.delayNs };
      scan.endNs = Math.max(scan.endNs, block.trackStartTicks * scan.scaleNs + block.lengthNs - block.delayNs);
      break;
    }
    case Id.BlockDuration:
      if (scan.lastBlock) {
        const end = (scan.lastBlock.startTicks + readUint(bytes, start, size)) * scan.scaleNs - scan.lastBlock.delayNs;
        scan.endNs = Math.max(scan.endNs, end);
      }
      break;
  }
}

interface Element {
  id: number;
  start: number;
  size: number;
}

/** The elements in [from, to): containers are entered, the others yielded and stepped over by their size. */
function* elements(bytes: Uint8Array, from: number, to: number): Generator<Element> {
  let at = from;
  while (at < to) {
    const id = readVint(bytes, at, true);
    if (!id) return;
    const size = readVint(bytes, at + id.length, false);
    if (!size) return;
    const start = at + id.length + size.length;
    if (CONTAINERS.has(id.value)) {
      at = start;
      continue;
    }
    if (size.unknown || start + size.value > to) return;
    yield { id: id.value, start, size: size.value };
    at = start + size.value;
  }
}

export interface WebmSummary {
  hasAudio: boolean;
  hasVideo: boolean;
  /** Seconds of media, or null when the file holds no block. */
  duration: number | null;
}

export function summariseWebm(bytes: Uint8Array): WebmSummary {
  const scan = new Scan();
  for (const element of elements(bytes, 0, bytes.length)) visit(scan, bytes, element);
  const types = [...scan.tracks.values()].map((track) => track.type);
  return {
    hasAudio: types.includes(TrackType.Audio),
    hasVideo: types.includes(TrackType.Video),
    duration: scan.endNs > 0 ? scan.endNs / 1e9 : null,
  };
}

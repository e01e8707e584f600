import fsp from "node:fs/promises";
import { parseFile } from "music-metadata";
import { Errors } from "../errors/index.ts";
import type { DetectedType } from "./file-type.ts";
import { mpegAudioDuration } from "./mpeg-audio.ts";
import { summariseWebm, type WebmSummary } from "./webm.ts";

/** Containers that also carry audio-only recordings (Chrome and Firefox record to WebM, Safari to MP4). */
const AUDIO_CAPABLE_VIDEO: Record<string, string> = { "video/webm": "audio/webm", "video/mp4": "audio/mp4" };

export interface MeasuredVoice {
  mime: string;
  duration: number;
}

const MATROSKA = new Set(["video/webm", "audio/webm", "video/x-matroska", "audio/x-matroska"]);

async function probe(file: string, type: DetectedType): Promise<WebmSummary> {
  if (MATROSKA.has(type.mime)) return summariseWebm(await fsp.readFile(file));
  if (type.mime === "audio/mpeg") {
    return { hasAudio: true, hasVideo: false, duration: mpegAudioDuration(await fsp.readFile(file)) };
  }
  try {
    const { format } = await parseFile(file, { duration: true, skipCovers: true, skipPostHeaders: true });
    return { hasAudio: format.hasAudio === true, hasVideo: format.hasVideo === true, duration: format.duration ?? null };
  } catch {
    throw Errors.voiceUnreadable();
  }
}

/**
 * A voice note is audio only, and its length is measured from the audio itself:
 * music-metadata reads or scans it, except for WebM, whose blocks are timed in
 * `webm.ts`, and MP3, whose frames are counted in `mpeg-audio.ts` (music-metadata
 * believes a Xing header's frame count).
 */
export async function measureVoice(file: string, type: DetectedType, maxSeconds: number): Promise<MeasuredVoice> {
  const isAudio = type.mime.startsWith("audio/");
  if (!isAudio && !AUDIO_CAPABLE_VIDEO[type.mime]) throw Errors.unsupportedFileType("A voice note must be audio");
  const { hasAudio, hasVideo, duration: measured } = await probe(file, type);
  if (!hasAudio || hasVideo) throw Errors.unsupportedFileType("A voice note must be audio");
  if (measured === null || !Number.isFinite(measured) || measured <= 0) {
    throw Errors.voiceUnreadable();
  }
  const duration = Math.round(measured * 1000) / 1000;
  if (duration > maxSeconds) throw Errors.voiceTooLong(maxSeconds);
  return { mime: isAudio ? type.mime : AUDIO_CAPABLE_VIDEO[type.mime]!, duration };
}

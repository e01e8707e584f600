import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import jpeg from "jpeg-js";
import { loadConfig } from "../../../src/config/index.ts";
import { createImageScreener, type ImageScreener } from "../../../src/screening/index.ts";
import { checkerboard, twoDiscs } from "../../../tests/helpers/images.ts";
import { LatencyHistogram, type LatencySummary } from "../../metrics/histogram.ts";

/** Images screened one at a time per kind, and how many more than the queue holds a burst sends at once. */
export const SCREENING_SIZES = { quick: { perKind: 10, burstBeyondQueue: 8 }, full: { perKind: 40, burstBeyondQueue: 16 } } as const;

export interface ScreeningResult {
  threads: number;
  queue: number;
  /** The first image: a thread starts, loads MobileNetV2 from the package, and classifies. */
  firstImageMs: number;
  /** Upload to verdict, one image at a time, per kind of image. */
  oneAtATime: Array<{ image: string; bytes: number; latency: LatencySummary; cpuMsPerImage: number }>;
  /** threads + queue + more images at once: those past the queue are refused at once, the rest wait their turn. */
  burst: { sent: number; screened: number; refused: number; latency: LatencySummary; refusedIn: LatencySummary };
  loadAverage: [number, number];
}

/** A photo-sized upload: a 1280×960 JPEG of a soft gradient (nothing explicit), so decoding and scaling count too. */
function photo(): Buffer {
  const width = 1280;
  const height = 960;
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([(x * 255) / width, (y * 255) / height, 160, 255], (y * width + x) * 4);
  }
  return jpeg.encode({ data, width, height }, 85).data;
}

const IMAGES = [
  { image: "256×256 PNG", mime: "image/png", make: twoDiscs, file: "discs.png" },
  { image: "256×256 PNG (checkerboard)", mime: "image/png", make: checkerboard, file: "checker.png" },
  { image: "1280×960 JPEG", mime: "image/jpeg", make: photo, file: "photo.jpg" },
];

async function timed(screener: ImageScreener, file: string, mime: string): Promise<number> {
  const started = performance.now();
  await screener.screen(file, mime);
  return performance.now() - started;
}

/** nsfwjs in the server's own screening pool (worker threads, bounded queue), with the server's defaults. */
export async function runImageScreening(mode: "quick" | "full"): Promise<ScreeningResult> {
  const sizes = SCREENING_SIZES[mode];
  const before = os.loadavg()[0]!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pairline-screening-"));
  const options = loadConfig({ NODE_ENV: "test", DATA_DIR: dir }).screening;
  const screener = createImageScreener(options);
  try {
    const files = IMAGES.map((kind) => {
      const bytes = kind.make();
      const file = path.join(dir, kind.file);
      fs.writeFileSync(file, bytes);
      return { ...kind, path: file, bytes: bytes.length };
    });
    const firstImageMs = await timed(screener, files[0]!.path, files[0]!.mime);
    const oneAtATime = [];
    for (const kind of files) {
      const latency = new LatencyHistogram();
      const cpu = process.cpuUsage(); // the pool's threads are this process's
      for (let i = 0; i < sizes.perKind; i++) latency.record(await timed(screener, kind.path, kind.mime));
      const used = process.cpuUsage(cpu);
      oneAtATime.push({ image: kind.image, bytes: kind.bytes, latency: latency.summary(), cpuMsPerImage: (used.user + used.system) / 1000 / sizes.perKind });
    }

    const sent = options.threads + options.queue + sizes.burstBeyondQueue;
    const screened = new LatencyHistogram();
    const refused = new LatencyHistogram();
    const small = files[0]!;
    await Promise.all(
      Array.from({ length: sent }, async () => {
        const started = performance.now();
        try {
          await screener.screen(small.path, small.mime);
          screened.record(performance.now() - started);
        } catch {
          refused.record(performance.now() - started);
        }
      }),
    );
    return {
      threads: options.threads,
      queue: options.queue,
      firstImageMs,
      oneAtATime,
      burst: { sent, screened: screened.count, refused: refused.count, latency: screened.summary(), refusedIn: refused.summary() },
      loadAverage: [before, os.loadavg()[0]!],
    };
  } finally {
    await screener.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

import jpeg from "jpeg-js";
import { PNG } from "pngjs";

/** The square the classifier looks at, in pixels a side. */
export const MODEL_INPUT_SIZE = 224;
/** What one decode may take, however large the image claims to be (uploads are already bounded in pixels). */
const MAX_DECODE_MEGABYTES = 512;

export const SCREENABLE_TYPES: ReadonlySet<string> = new Set(["image/jpeg", "image/png"]);

/** RGBA, 4 bytes a pixel, row by row. */
interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

function decode(bytes: Buffer, mime: string): Rgba {
  if (mime === "image/jpeg") {
    return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: MAX_DECODE_MEGABYTES });
  }
  if (mime === "image/png") {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: png.data };
  }
  throw new Error(`cannot decode ${mime}`);
}

/**
 * The image as `size`×`size` RGB bytes: each target pixel the mean of the source pixels
 * it covers (stretched, as the classifier was trained). Transparent pixels count as white.
 */
export function toModelInput(bytes: Buffer, mime: string, size = MODEL_INPUT_SIZE): Uint8Array {
  const { width, height, data } = decode(bytes, mime);
  if (width === 0 || height === 0) throw new Error("empty image");
  const out = new Uint8Array(size * size * 3);
  for (let ty = 0; ty < size; ty++) {
    const y0 = Math.floor((ty * height) / size);
    const y1 = Math.max(y0 + 1, Math.floor(((ty + 1) * height) / size));
    for (let tx = 0; tx < size; tx++) {
      const x0 = Math.floor((tx * width) / size);
      const x1 = Math.max(x0 + 1, Math.floor(((tx + 1) * width) / size));
      let r = 0, g = 0, b = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const i = (y * width + x) * 4;
          const alpha = data[i + 3]! / 255;
          r += data[i]! * alpha + 255 * (1 - alpha);
          g += data[i + 1]! * alpha + 255 * (1 - alpha);
          b += data[i + 2]! * alpha + 255 * (1 - alpha);
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (ty * size + tx) * 3;
      out[o] = r / n;
      out[o + 1] = g / n;
      out[o + 2] = b / n;
    }
  }
  return out;
}

import { imageSizeFromFile } from "image-size/fromFile";
import { Errors } from "../errors/index.ts";

/** Images a browser decodes when shown (inline): their size is read from the header, never by decoding. */
const CHECKED = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"]);

/**
 * Refuses an image whose header claims more than `maxPixels`: a few bytes can claim
 * 2^31 x 2^31 pixels, and every partner's browser would try to decode it.
 */
export async function checkImageDimensions(file: string, mime: string, maxPixels: number): Promise<void> {
  if (!CHECKED.has(mime)) return;
  let size: { width?: number; height?: number };
  try {
    size = await imageSizeFromFile(file);
  } catch {
    throw Errors.unsupportedFileType("The image's dimensions cannot be read");
  }
  const { width, height } = size;
  if (!width || !height) throw Errors.unsupportedFileType("The image's dimensions cannot be read");
  if (width * height > maxPixels) throw Errors.imageTooLarge(width, height, maxPixels);
}

import { PNG } from "pngjs";

/**
 * Generated test images for the image screening, nothing explicit. What nsfwjs's
 * MobileNetV2 makes of them (Porn + Hentai + Sexy, on the wasm backend) was measured
 * once and the tests set thresholds with a wide margin either side:
 *   twoDiscs()     ≈ 0.14 (two pale discs on a tan ground read a little as "Hentai")
 *   checkerboard() ≈ 0.007
 */
function paint(size: number, colour: (x: number, y: number) => [number, number, number]): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      png.data.set([...colour(x, y), 255], (y * size + x) * 4);
    }
  }
  return PNG.sync.write(png);
}

export const twoDiscs = (): Buffer =>
  paint(256, (x, y) => (Math.hypot(x - 85, y - 120) < 50 || Math.hypot(x - 170, y - 120) < 50 ? [230, 170, 150] : [200, 150, 130]));

export const checkerboard = (): Buffer => paint(256, (x, y) => (((x >> 4) + (y >> 4)) % 2 ? [0, 0, 0] : [255, 255, 255]));

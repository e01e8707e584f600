/** Frames held for a participant who dropped, bounded in count and bytes, delivered in order on return. */
export class PendingFrames {
  readonly #maxFrames: number;
  readonly #maxBytes: number;
  #frames: Buffer[] = [];
  #bytes = 0;

  constructor(maxFrames: number, maxBytes: number) {
    this.#maxFrames = maxFrames;
    this.#maxBytes = maxBytes;
  }

  /** False when the frame does not fit; it is then not kept. */
  push(frame: Buffer): boolean {
    if (this.#frames.length >= this.#maxFrames || this.#bytes + frame.byteLength > this.#maxBytes) return false;
    this.#frames.push(frame);
    this.#bytes += frame.byteLength;
    return true;
  }

  drain(): Buffer[] {
    const frames = this.#frames;
    this.#frames = [];
    this.#bytes = 0;
    return frames;
  }
}

import fs from "node:fs/promises";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { load, type NSFWJS } from "nsfwjs/core";
import { MobileNetV2Model } from "nsfwjs/models/mobilenet_v2";
import { MODEL_INPUT_SIZE, toModelInput } from "./pixels.ts";

export interface ScreenTask {
  path: string;
  mime: string;
}

/** The model's probability per class (`Drawing`, `Hentai`, `Neutral`, `Porn`, `Sexy`), or why the image could not be read. */
export type ScreenOutcome = { scores: Record<string, number> } | { unreadable: string };

let model: Promise<NSFWJS> | undefined;

/** MobileNetV2 from the nsfwjs package itself, on TensorFlow.js's WebAssembly backend: nothing is downloaded. */
async function loadModel(): Promise<NSFWJS> {
  await tf.setBackend("wasm");
  await tf.ready();
  const info = console.info;
  console.info = () => undefined; // nsfwjs announces the model it loads on every start
  try {
    return await load("MobileNetV2", { size: MODEL_INPUT_SIZE, modelDefinitions: [MobileNetV2Model] } as Parameters<typeof load>[1]);
  } finally {
    console.info = info;
  }
}

/** Runs in a worker thread of the screening pool: decoding and inference never block the event loop that relays chats. */
export default async function screen(task: ScreenTask): Promise<ScreenOutcome> {
  const ready = (model ??= loadModel());
  let pixels: Uint8Array;
  try {
    pixels = toModelInput(await fs.readFile(task.path), task.mime);
  } catch (error) {
    return { unreadable: error instanceof Error ? error.message : String(error) };
  }
  const nsfw = await ready;
  const image = tf.tensor3d(pixels, [MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, 3], "int32");
  try {
    const predictions = await nsfw.classify(image, 5);
    return { scores: Object.fromEntries(predictions.map((p) => [p.className, p.probability])) };
  } finally {
    image.dispose();
  }
}

import assert from "node:assert/strict";
import fs from "node:fs";
import { mpegAudioDuration } from "../../src/uploads/mpeg-audio.ts";
import { VOICE_MP3_FIXTURE, mp3 } from "../helpers/uploads.ts";

describe("MPEG audio duration, from the frames present", () => {
  it("counts every frame, whatever the Xing header claims", () => {
    assert.equal(mpegAudioDuration(mp3(12, { claimedFrames: 3 }))!.toFixed(3), "12.024"); // 500 frames and the Xing frame
  });

  it("times LAME's VBR output (MPEG-2, 22.05 kHz) after its ID3v2 tag: 164 frames of 576 samples", () => {
    assert.equal(mpegAudioDuration(fs.readFileSync(VOICE_MP3_FIXTURE))!.toFixed(4), ((164 * 576) / 22050).toFixed(4));
  });

  it("resynchronises over junk between frames, as a player does", () => {
    const clean = mp3(6);
    const frames = Array.from({ length: clean.length / 96 }, (_, i) => clean.subarray(i * 96, (i + 1) * 96));
    const junk = Buffer.from([0xff, 0xfb, 0x00, 0x13, 0x37, 0xff, 0xe0, 0xff]);
    const dirty = Buffer.concat(frames.flatMap((frame, i) => (i % 10 === 5 ? [junk, frame] : [frame])));
    assert.equal(mpegAudioDuration(dirty), mpegAudioDuration(clean));
  });

  it("finds nothing in what is not MPEG audio", () => {
    assert.equal(mpegAudioDuration(Buffer.alloc(4096, 0xff)), null);
    assert.equal(mpegAudioDuration(Buffer.from("ID3 but nothing after it")), null);
  });
});

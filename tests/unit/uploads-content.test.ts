import assert from "node:assert/strict";
import fs from "node:fs";
import { displayName } from "../../src/uploads/file-name.ts";
import { isAllowedType, isSafeInline } from "../../src/uploads/file-type.ts";
import { opusPacketMs, summariseWebm } from "../../src/uploads/webm.ts";
import { CHROMIUM_VOICE_FIXTURE, VOICE_WEBM_FIXTURE } from "../helpers/uploads.ts";

describe("uploads: what a file is", () => {
  describe("its display name", () => {
    const cases: Array<[string | undefined, string, string]> = [
      ["holiday.png", "png", "holiday.png"],
      ["Holiday.JPEG", "jpg", "Holiday.JPEG"],
      ["../../etc/passwd", "txt", "passwd.txt"],
      ["C:\\Users\\me\\report.pdf", "pdf", "report.pdf"],
      ["setup.exe", "png", "setup.exe.png"],
      ["invoice\u202Efdp.exe", "pdf", "invoicefdp.exe.pdf"],
      ["\u0000\u0007..hidden", "txt", "hidden.txt"],
      ["", "webm", "voice-note.webm"],
      [undefined, "png", "voice-note.png"],
    ];
    for (const [raw, ext, expected] of cases) {
      it(`${JSON.stringify(raw)} as .${ext} is shown as ${JSON.stringify(expected)}`, () => {
        assert.equal(displayName(raw, ext, "voice-note"), expected);
      });
    }

    it("is at most 120 characters and keeps its extension", () => {
      const name = displayName(`${"é".repeat(300)}.png`, "png", "file");
      assert.equal(Array.from(name).length, 120);
      assert.ok(name.endsWith(".png"));
    });
  });

  describe("its type", () => {
    it("is allowed by exact type or by family", () => {
      assert.equal(isAllowedType("image/png", ["image/png"]), true);
      assert.equal(isAllowedType("image/png", ["image/*"]), true);
      assert.equal(isAllowedType("image/png", ["image/jpeg", "audio/*"]), false);
      assert.equal(isAllowedType("application/x-elf", ["image/*", "application/pdf"]), false);
    });

    it("is shown inline only when a browser runs nothing from it", () => {
      for (const mime of ["image/png", "image/jpeg", "audio/webm", "video/mp4", "application/pdf"]) assert.equal(isSafeInline(mime), true, mime);
      for (const mime of ["text/plain", "text/html", "image/svg+xml", "application/octet-stream"]) assert.equal(isSafeInline(mime), false, mime);
    });
  });

  describe("the length of a WebM/Opus recording", () => {
    it("reads each Opus packet's length from its TOC byte", () => {
      assert.equal(opusPacketMs(Uint8Array.of(0xf8)), 20); // CELT, 20 ms, one frame
      assert.equal(opusPacketMs(Uint8Array.of(0x08 | 3 << 3 | 1)), 120); // SILK 60 ms, two frames
      assert.equal(opusPacketMs(Uint8Array.of(0xfb, 0x03)), 60); // CELT 20 ms, three frames (code 3)
    });

    it("times a recording with unknown-size clusters and no Duration, as Chrome records them", () => {
      const summary = summariseWebm(fs.readFileSync(VOICE_WEBM_FIXTURE));
      assert.equal(summary.hasAudio, true);
      assert.equal(summary.hasVideo, false);
      assert.ok(Math.abs(summary.duration! - 7.3) < 0.05, `measured ${summary.duration}`);
    });

    it("times a recording made by Chromium's MediaRecorder as ffmpeg decodes it (1.97 s)", () => {
      const summary = summariseWebm(fs.readFileSync(CHROMIUM_VOICE_FIXTURE));
      assert.deepEqual({ hasAudio: summary.hasAudio, hasVideo: summary.hasVideo }, { hasAudio: true, hasVideo: false });
      assert.ok(Math.abs(summary.duration! - 1.97) < 0.03, `measured ${summary.duration}`);
    });

    it("times what arrived of a cut-off recording, and nothing of noise", () => {
      const bytes = fs.readFileSync(VOICE_WEBM_FIXTURE);
      const half = summariseWebm(bytes.subarray(0, bytes.length / 2)).duration!;
      assert.ok(half > 2 && half < 5, `measured ${half}`);
      assert.equal(summariseWebm(Buffer.from("definitely not matroska")).duration, null);
    });
  });
});

import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { ChatClientMessage, ChatServerMessage } from "../../rooms/protocol.ts";
import { registerGuest } from "../helpers/http.ts";
import { chattingPair, type ChatSide } from "../helpers/realtime.ts";
import { eventually } from "../helpers/eventually.ts";
import { bootServer, type TestServer } from "../helpers/server.ts";
import {
  CHROMIUM_VOICE_FIXTURE,
  VOICE_MP3_FIXTURE,
  VOICE_WEBM_FIXTURE,
  download,
  elf,
  filesUnder,
  mp3,
  png,
  pngHeader,
  uploadFile,
  wav,
} from "../helpers/uploads.ts";

const MB = 1024 * 1024;

describe("uploads: files and voice notes of a chat", () => {
  let server: TestServer;
  let uploadsDir: string;
  before(async () => {
    server = await bootServer({ UPLOAD_ROOM_MAX_FILES: "4", UPLOAD_ROOM_MAX_BYTES: String(12 * MB) });
    uploadsDir = path.join(server.dataDir, "uploads");
  });
  after(async () => {
    await server.stop();
  });

  const share = (side: ChatSide, bytes: Uint8Array, name = "photo.png", type = "image/png") =>
    uploadFile(server.baseUrl, side.user.token, { roomId: side.room.roomId, bytes, name, type });
  const shareVoice = (side: ChatSide, bytes: Uint8Array, name = "voice.webm", type = "audio/webm") =>
    uploadFile(server.baseUrl, side.user.token, { roomId: side.room.roomId, bytes, name, type }, "voice");

  const storedFiles = () => filesUnder(uploadsDir).filter((f) => !f.startsWith("incoming"));
  const nothingStaged = () => eventually(() => assert.deepEqual(filesUnder(path.join(uploadsDir, "incoming")), []));

  async function leaveBoth(a: ChatSide, b: ChatSide) {
    a.room.send(ChatClientMessage.Leave);
    await Promise.all([new Promise((r) => a.room.onLeave(r)), new Promise((r) => b.room.onLeave(r))]);
  }

  describe("sharing and fetching", () => {
    it("the partner fetches exactly the bytes shared, with the real type, nosniff and inline", async () => {
      const [a, b] = await chattingPair(server.baseUrl);
      const photo = png();
      const shared = await share(a, photo, "holiday.png");
      assert.equal(shared.status, 201, JSON.stringify(shared.body));
      assert.deepEqual(Object.keys(shared.body.data).sort(), ["fileId", "mime", "name", "size"]);
      assert.equal(shared.body.data.mime, "image/png");
      assert.equal(shared.body.data.size, photo.length);
      assert.equal(shared.body.data.name, "holiday.png");

      const fetched = await download(server.baseUrl, b.user.token, shared.body.data.fileId);
      assert.equal(fetched.status, 200);
      assert.deepEqual(fetched.bytes, photo);
      assert.equal(fetched.headers.get("content-type"), "image/png");
      assert.equal(fetched.headers.get("x-content-type-options"), "nosniff");
      assert.match(fetched.headers.get("content-disposition")!, /^inline; filename="holiday.png"/);
      assert.equal((await download(server.baseUrl, a.user.token, shared.body.data.fileId)).status, 200);
    });

    it("a stranger gets 403 for a chat's file, and an unknown id is 404", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const shared = await share(a, png());
      const stranger = await registerGuest(server.baseUrl);
      const refused = await download(server.baseUrl, stranger.token, shared.body.data.fileId);
      assert.equal(refused.status, 403);
      assert.equal(refused.json().code, "FORBIDDEN");
      assert.equal((await download(server.baseUrl, stranger.token, "AAAAAAAAAAAAAAAAAAAAAA")).status, 404);
    });

    it("someone outside the chat cannot upload to it, and nothing is stored", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const stranger = await registerGuest(server.baseUrl);
      const before = storedFiles().length;
      const refused = await uploadFile(server.baseUrl, stranger.token, { roomId: a.room.roomId, bytes: png(), name: "x.png", type: "image/png" });
      assert.equal(refused.status, 403);
      assert.deepEqual(refused.body, { success: false, message: "You are not in this chat", code: "FORBIDDEN" });
      const toNoRoom = await uploadFile(server.baseUrl, stranger.token, { roomId: "noSuchRoom", bytes: png(), name: "x.png", type: "image/png" });
      assert.equal(toNoRoom.status, 403);
      assert.equal(storedFiles().length, before);
    });

    it("serves audio in byte ranges", async () => {
      const [a, b] = await chattingPair(server.baseUrl);
      const audio = wav(2);
      const shared = await share(a, audio, "tone.wav", "audio/wav");
      const part = await download(server.baseUrl, b.user.token, shared.body.data.fileId, { range: "bytes=100-1099" });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get("content-range"), `bytes 100-1099/${audio.length}`);
      assert.deepEqual(part.bytes, audio.subarray(100, 1100));
      const outside = await download(server.baseUrl, b.user.token, shared.body.data.fileId, { range: `bytes=${audio.length + 10}-` });
      assert.equal(outside.status, 416);
    });

    it("refuses requests without a token, without multipart, without a room or with two files", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const roomId = a.room.roomId;
      assert.equal((await uploadFile(server.baseUrl, undefined, { roomId, bytes: png() })).status, 401);
      const json = await fetch(`${server.baseUrl}/api/uploads`, {
        method: "POST",
        headers: { authorization: `Bearer ${a.user.token}`, "content-type": "application/json" },
        body: JSON.stringify({ roomId }),
      });
      assert.equal(json.status, 415);
      const noRoom = await uploadFile(server.baseUrl, a.user.token, { bytes: png(), name: "a.png" });
      assert.equal(noRoom.status, 400);
      assert.equal(noRoom.body.code, "VALIDATION_FAILED");

      const form = new FormData();
      form.set("roomId", roomId);
      form.append("file", new Blob([png()]), "one.png");
      form.append("file", new Blob([png()]), "two.png");
      const two = await fetch(`${server.baseUrl}/api/uploads`, { method: "POST", headers: { authorization: `Bearer ${a.user.token}` }, body: form });
      assert.equal(two.status, 400);
      await nothingStaged();
    });
  });

  describe("interrupted uploads", () => {
    it("keeps nothing of an upload whose sender goes away halfway", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const before = storedFiles().length;
      const boundary = "pairline-test-boundary";
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="roomId"\r\n\r\n${a.room.roomId}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`;
      const abort = new AbortController();
      const body = new ReadableStream({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode(head));
          controller.enqueue(new Uint8Array(MB).fill(97));
          await eventually(() => assert.equal(filesUnder(path.join(uploadsDir, "incoming")).length, 1, "the upload is being staged"));
          abort.abort();
        },
      });
      const sending = fetch(`${server.baseUrl}/api/uploads`, {
        method: "POST",
        headers: { authorization: `Bearer ${a.user.token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
        body,
        duplex: "half",
        signal: abort.signal,
      } as RequestInit);
      await assert.rejects(sending);
      await nothingStaged();
      assert.equal(storedFiles().length, before);
    });

    it("keeps no staged file of uploads whose senders hang up right after the last byte", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const boundary = "pairline-test-boundary";
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="roomId"\r\n\r\n${a.room.roomId}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`),
        png(64, 64),
        Buffer.alloc(MB),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const head =
        `POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${a.user.token}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`;
      const { port } = new URL(server.baseUrl);
      await Promise.all(
        Array.from({ length: 10 }, () =>
          new Promise<void>((resolve, reject) => {
            const socket = net.connect(Number(port), "127.0.0.1", () => socket.end(Buffer.concat([Buffer.from(head), body])));
            socket.on("error", reject);
            socket.on("close", () => resolve());
          }),
        ),
      );
      await nothingStaged();
    });
  });

  describe("validation from the bytes", () => {
    it("accepts a file of exactly 10 MB and refuses one byte more with 413, storing nothing of it", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const atLimit = await share(a, Buffer.alloc(10 * MB, "a"), "notes.txt", "text/plain");
      assert.equal(atLimit.status, 201, JSON.stringify(atLimit.body));
      assert.equal(atLimit.body.data.size, 10 * MB);
      const storedBefore = storedFiles().length;

      const over = await share(a, Buffer.alloc(10 * MB + 1, "a"), "notes.txt", "text/plain");
      assert.equal(over.status, 413);
      assert.equal(over.body.success, false);
      assert.equal(over.body.code, "PAYLOAD_TOO_LARGE");
      assert.equal(storedFiles().length, storedBefore, "nothing of the refused file is stored");
      await nothingStaged();
    });

    it("refuses an image whose header claims absurd dimensions, without decoding it", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const storedBefore = storedFiles().length;
      const huge = await share(a, pngHeader(2 ** 31, 2 ** 31), "bomb.png");
      assert.equal(huge.status, 422, JSON.stringify(huge.body));
      assert.equal(huge.body.code, "IMAGE_TOO_LARGE");
      const gif = Buffer.concat([Buffer.from("GIF89a"), Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0]), Buffer.from(";")]);
      assert.equal((await share(a, gif, "wide.gif", "image/gif")).body.code, "IMAGE_TOO_LARGE", "65535 x 65535");
      const unreadable = await share(a, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 1]), "cut.png");
      assert.equal(unreadable.status, 415);
      assert.equal(storedFiles().length, storedBefore);
      assert.equal((await share(a, pngHeader(4000, 3000), "photo.png")).status, 201, "12 megapixels pass");
    });

    it("refuses an executable renamed .png", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const refused = await share(a, elf(), "cute-cat.png", "image/png");
      assert.equal(refused.status, 415);
      assert.equal(refused.body.code, "UNSUPPORTED_FILE_TYPE");
    });

    it("refuses HTML, and HTML declared as plain text is only ever served as a text download", async () => {
      const [a, b] = await chattingPair(server.baseUrl);
      const page = Buffer.from("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>");
      assert.equal((await share(a, page, "page.html", "text/html")).status, 415);
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      assert.equal((await share(a, svg, "logo.svg", "image/svg+xml")).status, 415);

      const disguised = await share(a, page, "page.html", "text/plain");
      assert.equal(disguised.status, 201);
      assert.equal(disguised.body.data.mime, "text/plain");
      assert.equal(disguised.body.data.name, "page.html.txt");
      const fetched = await download(server.baseUrl, b.user.token, disguised.body.data.fileId);
      assert.equal(fetched.headers.get("content-type"), "text/plain; charset=utf-8");
      assert.match(fetched.headers.get("content-disposition")!, /^attachment; filename="page.html.txt"/);
      assert.equal(fetched.headers.get("x-content-type-options"), "nosniff");
    });

    it("refuses binary bytes declared as plain text", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const binary = Buffer.from([0x68, 0x69, 0x00, 0x01, 0xff, 0xfe]);
      assert.equal((await share(a, binary, "notes.txt", "text/plain")).status, 415);
    });

    it("keeps only a harmless label of a path-traversal name and stores under random names", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const names = ["../../../../etc/passwd.png", "..\\..\\windows\\win.ini.png", "photo\u202Egnp.exe"];
      const labels = [];
      for (const name of names) {
        const shared = await share(a, png(), name);
        assert.equal(shared.status, 201);
        labels.push(shared.body.data.name);
      }
      assert.deepEqual(labels, ["passwd.png", "win.ini.png", "photognp.exe.png"]);
      for (const file of storedFiles()) {
        assert.match(path.basename(file), /^[A-Za-z0-9_-]{22}(\.json)?$/, `${file} has a random name`);
      }
      assert.equal(fs.existsSync(path.join(server.dataDir, "etc")), false);
    });

    it("keeps each chat within its quota of files and bytes", async () => {
      const [a, b] = await chattingPair(server.baseUrl);
      for (let i = 0; i < 4; i++) assert.equal((await share(i % 2 ? a : b, png())).status, 201);
      const fifth = await share(a, png());
      assert.equal(fifth.status, 413);
      assert.equal(fifth.body.code, "UPLOAD_QUOTA_EXCEEDED");

      const [c] = await chattingPair(server.baseUrl);
      assert.equal((await share(c, Buffer.alloc(10 * MB, "b"), "a.txt", "text/plain")).status, 201);
      const beyondBytes = await share(c, Buffer.alloc(3 * MB, "c"), "b.txt", "text/plain");
      assert.equal(beyondBytes.status, 413);
      assert.equal(beyondBytes.body.code, "UPLOAD_QUOTA_EXCEEDED");
    });
  });

  describe("voice notes", () => {
    it("accepts 300 s of audio and refuses 301 s", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const accepted = await shareVoice(a, wav(300), "note.wav", "audio/wav");
      assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
      assert.equal(accepted.body.data.duration, 300);
      assert.equal(accepted.body.data.mime, "audio/wav");

      const refused = await shareVoice(a, wav(301), "note.wav", "audio/wav");
      assert.equal(refused.status, 422);
      assert.equal(refused.body.code, "VOICE_TOO_LONG");
    });

    it("measures a WAV by its bytes, not by what its header claims", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const shared = await shareVoice(a, wav(3, { claimedSeconds: 1000 }), "note.wav", "audio/wav");
      assert.equal(shared.status, 201, JSON.stringify(shared.body));
      assert.equal(shared.body.data.duration, 3);
    });

    it("measures an MP3 by its frames, not by the frame count its Xing header claims", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const long = await shareVoice(a, mp3(480, { claimedFrames: 100 }), "note.mp3", "audio/mpeg");
      assert.equal(long.status, 422, `a 480 s MP3 claiming 2.4 s: ${JSON.stringify(long.body)}`);
      assert.equal(long.body.code, "VOICE_TOO_LONG");
      const short = await shareVoice(a, mp3(20, { claimedFrames: 100 }), "note.mp3", "audio/mpeg");
      assert.equal(short.status, 201, JSON.stringify(short.body));
      assert.equal(short.body.data.mime, "audio/mpeg");
      assert.ok(Math.abs(short.body.data.duration - 20) < 0.05, `measured ${short.body.data.duration} s`);
    });

    it("measures a VBR MP3 from LAME, ID3 tag and all", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const shared = await shareVoice(a, fs.readFileSync(VOICE_MP3_FIXTURE), "note.mp3", "audio/mpeg");
      assert.equal(shared.status, 201, JSON.stringify(shared.body));
      assert.ok(Math.abs(shared.body.data.duration - 4.2) < 0.1, `measured ${shared.body.data.duration} s`);
    });

    it("measures a WebM/Opus recording without a duration header from its blocks", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const shared = await shareVoice(a, fs.readFileSync(VOICE_WEBM_FIXTURE));
      assert.equal(shared.status, 201, JSON.stringify(shared.body));
      assert.equal(shared.body.data.mime, "audio/webm");
      assert.ok(Math.abs(shared.body.data.duration - 7.3) < 0.05, `measured ${shared.body.data.duration} s`);
    });

    it("accepts a voice note recorded by Chromium's MediaRecorder, measured to 1.98 s", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const shared = await shareVoice(a, fs.readFileSync(CHROMIUM_VOICE_FIXTURE), "blob", "audio/webm;codecs=opus");
      assert.equal(shared.status, 201, JSON.stringify(shared.body));
      assert.deepEqual([shared.body.data.mime, shared.body.data.name], ["audio/webm", "blob.webm"]);
      assert.ok(Math.abs(shared.body.data.duration - 1.97) < 0.03, `measured ${shared.body.data.duration} s`);
    });

    it("refuses a picture or noise as a voice note", async () => {
      const [a] = await chattingPair(server.baseUrl);
      const picture = await shareVoice(a, png(), "voice.webm", "audio/webm");
      assert.equal(picture.status, 415);
      const noise = await shareVoice(a, Buffer.from("not really audio at all, just text"), "voice.webm", "audio/webm");
      assert.equal(noise.status, 415);
    });
  });

  describe("in the chat", () => {
    it("a fileId from another chat, or the partner's, cannot be sent", async () => {
      const [a, b] = await chattingPair(server.baseUrl);
      const [c, d] = await chattingPair(server.baseUrl);
      const fileId = (await share(a, png())).body.data.fileId;

      c.room.send(ChatClientMessage.Message, { type: "file", fileId });
      const error = await c.inbox.next(ChatServerMessage.Error);
      assert.equal(error.code, "UNKNOWN_FILE");
      b.room.send(ChatClientMessage.Message, { type: "file", fileId });
      assert.equal((await b.inbox.next(ChatServerMessage.Error)).code, "UNKNOWN_FILE");
      a.room.send(ChatClientMessage.Message, { type: "voice", fileId });
      assert.equal((await a.inbox.next(ChatServerMessage.Error)).code, "INVALID_PAYLOAD");

      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(d.inbox.pending(ChatServerMessage.Message).length, 0);
      assert.equal(a.inbox.pending(ChatServerMessage.Message).length, 0);
    });

    it("two strangers exchange a photo and a voice note, and nothing is left on disk after they leave", async () => {
      const [a, b] = await chattingPair(server.baseUrl);
      const photo = png(32, 32);
      const shared = (await share(a, photo, "me.png")).body.data;
      a.room.send(ChatClientMessage.Message, { type: "file", fileId: shared.fileId, clientMessageId: "p1" });
      const ack = await a.inbox.next(ChatServerMessage.Ack);
      const { signature: _signature, ...atB } = await b.inbox.next(ChatServerMessage.Message);
      assert.deepEqual(atB, { type: "file", ...shared, id: ack.id, from: a.user.id, timestamp: ack.timestamp });
      assert.deepEqual((await download(server.baseUrl, b.user.token, atB.fileId)).bytes, photo);

      const recording = fs.readFileSync(CHROMIUM_VOICE_FIXTURE);
      const voice = (await shareVoice(b, recording)).body.data;
      b.room.send(ChatClientMessage.Message, { type: "voice", fileId: voice.fileId });
      const atA = await a.inbox.next(ChatServerMessage.Message);
      assert.equal(atA.type, "voice");
      assert.equal(atA.duration, voice.duration);
      assert.equal(atA.mime, "audio/webm");
      const start = await download(server.baseUrl, a.user.token, atA.fileId, { range: "bytes=0-99" });
      assert.equal(start.status, 206);
      assert.deepEqual(start.bytes, recording.subarray(0, 100));

      assert.ok(storedFiles().length >= 4, "two records and two files while the chat lasts");
      await leaveBoth(a, b);
      const mine = [shared.fileId, voice.fileId];
      await eventually(async () => {
        assert.equal((await download(server.baseUrl, a.user.token, shared.fileId)).status, 404);
        assert.equal((await download(server.baseUrl, b.user.token, voice.fileId)).status, 404);
        assert.deepEqual(storedFiles().filter((f) => mine.some((id) => f.includes(id))), []);
      });
    });
  });
});

import assert from "node:assert/strict";
import { ChatClientMessage, ChatServerMessage, RoomErrorCode } from "../../rooms/protocol.ts";
import { checkerboard, twoDiscs } from "../helpers/images.ts";
import { Scrape } from "../helpers/metrics.ts";
import { chattingPairWith, type ChatSide } from "../helpers/realtime.ts";
import { bootServer, type TestServer } from "../helpers/server.ts";
import { FIRST_IMAGE_MS, uploadFile } from "../helpers/uploads.ts";

/** Between the two generated images' real scores (≈0.14 and ≈0.007): one is flagged, the other not. */
const LOW_THRESHOLD = "0.05";
const ADULT = { queue: "adult", ageConfirmed: true };

const share = (server: TestServer, side: ChatSide, bytes: Buffer) =>
  uploadFile(server.baseUrl, side.user.token, { roomId: side.room.roomId, bytes, name: "picture.png", type: "image/png" });

describe("uploads: images are screened before the partner sees them", function () {
  this.timeout(FIRST_IMAGE_MS + 30_000);

  describe("IMAGE_SCREENING=blur (the default policy) with a low threshold", () => {
    let server: TestServer;
    before(async () => {
      server = await bootServer({ IMAGE_SENSITIVE_THRESHOLD: LOW_THRESHOLD });
    });
    after(() => server.stop());

    it("an image scoring over the threshold arrives with sensitive: true; one under it arrives unmarked", async () => {
      const before = await Scrape.of(server.baseUrl);
      const [a, b] = await chattingPairWith(server.baseUrl, ADULT);
      const flagged = await share(server, a, twoDiscs());
      assert.equal(flagged.status, 201, JSON.stringify(flagged.body));
      assert.equal(flagged.body.data.sensitive, true, "the sender learns it was flagged");
      a.room.send(ChatClientMessage.Message, { type: "file", fileId: flagged.body.data.fileId });
      const received = await b.inbox.next(ChatServerMessage.Message);
      assert.equal(received.fileId, flagged.body.data.fileId);
      assert.equal(received.sensitive, true);

      const clean = await share(server, a, checkerboard());
      assert.equal(clean.status, 201);
      assert.equal("sensitive" in clean.body.data, false);
      a.room.send(ChatClientMessage.Message, { type: "file", fileId: clean.body.data.fileId });
      assert.equal("sensitive" in (await b.inbox.next(ChatServerMessage.Message)), false);
      await Promise.all([a, b].map((side) => side.room.leave()));

      const after = await Scrape.of(server.baseUrl);
      const grew = (name: string, labels: Record<string, string> = {}) => after.value(name, labels) - before.value(name, labels);
      assert.equal(grew("pairline_images_screened_total"), 2, "both images are counted as screened");
      assert.equal(grew("pairline_images_flagged_total", { action: "flagged" }), 1, "one of them as flagged");
    });

    it("a moderated chat does not deliver a flagged image: the sender is told, the partner gets nothing", async () => {
      const [a, b] = await chattingPairWith(server.baseUrl, {});
      const flagged = await share(server, a, twoDiscs());
      assert.equal(flagged.body.data.sensitive, true);
      a.room.send(ChatClientMessage.Message, { type: "file", fileId: flagged.body.data.fileId });
      const error = await a.inbox.next(ChatServerMessage.Error);
      assert.equal(error.code, RoomErrorCode.IMAGE_REFUSED);
      const clean = await share(server, a, checkerboard());
      a.room.send(ChatClientMessage.Message, { type: "file", fileId: clean.body.data.fileId });
      assert.equal((await b.inbox.next(ChatServerMessage.Message)).fileId, clean.body.data.fileId, "the next, clean image is the first thing the partner gets");
      assert.equal(b.inbox.count(ChatServerMessage.Message), 1);
      await Promise.all([a, b].map((side) => side.room.leave()));
    });

    it("an image that cannot be screened (here a GIF) is marked sensitive rather than shown as safe", async () => {
      const [a, b] = await chattingPairWith(server.baseUrl, ADULT);
      const gif = Buffer.from("R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=", "base64");
      const answer = await uploadFile(server.baseUrl, a.user.token, { roomId: a.room.roomId, bytes: gif, name: "dot.gif", type: "image/gif" });
      assert.equal(answer.status, 201);
      assert.equal(answer.body.data.sensitive, true);
      await Promise.all([a, b].map((side) => side.room.leave()));
    });
  });

  describe("IMAGE_SCREENING=refuse", () => {
    let server: TestServer;
    before(async () => {
      server = await bootServer({ IMAGE_SCREENING: "refuse", IMAGE_SENSITIVE_THRESHOLD: LOW_THRESHOLD });
    });
    after(() => server.stop());

    it("a flagged image is refused with IMAGE_REFUSED and never stored; a clean one is shared", async () => {
      const refusedBefore = (await Scrape.of(server.baseUrl)).value("pairline_images_flagged_total", { action: "refused" });
      const [a, b] = await chattingPairWith(server.baseUrl, ADULT);
      const refused = await share(server, a, twoDiscs());
      assert.equal(refused.status, 422);
      assert.deepEqual({ success: refused.body.success, code: refused.body.code }, { success: false, code: "IMAGE_REFUSED" });
      assert.equal((await server.services.uploads.usage(a.room.roomId)).files, 0);
      assert.equal((await share(server, a, checkerboard())).status, 201);
      await Promise.all([a, b].map((side) => side.room.leave()));
      const refusedAfter = (await Scrape.of(server.baseUrl)).value("pairline_images_flagged_total", { action: "refused" });
      assert.equal(refusedAfter - refusedBefore, 1, "the refusal is counted");
    });
  });

  describe("the default threshold, and a full screening queue", () => {
    let server: TestServer;
    before(async () => {
      server = await bootServer({ IMAGE_SCREENING_THREADS: "1", IMAGE_SCREENING_QUEUE: "1" });
    });
    after(() => server.stop());

    it("does not flag a benign image", async () => {
      const [a, b] = await chattingPairWith(server.baseUrl, ADULT);
      const answer = await share(server, a, twoDiscs());
      assert.equal(answer.status, 201);
      assert.equal("sensitive" in answer.body.data, false);
      await Promise.all([a, b].map((side) => side.room.leave()));
    });

    it("refuses what the queue cannot hold with 503 and Retry-After, screens the rest, and keeps serving", async () => {
      const [a, b] = await chattingPairWith(server.baseUrl, ADULT);
      const image = checkerboard();
      const answers = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const form = new FormData();
          form.set("roomId", a.room.roomId);
          form.set("file", new Blob([image], { type: "image/png" }), "burst.png");
          const response = await fetch(`${server.baseUrl}/api/uploads`, { method: "POST", headers: { authorization: `Bearer ${a.user.token}` }, body: form });
          return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as { code?: string } };
        }),
      );
      const busy = answers.filter((answer) => answer.status === 503);
      assert.ok(busy.length > 0, `no upload was refused: ${answers.map((answer) => answer.status)}`);
      for (const answer of busy) {
        assert.equal(answer.body.code, "SERVICE_UNAVAILABLE");
        assert.ok(Number(answer.retryAfter) > 0);
      }
      assert.deepEqual([...new Set(answers.map((answer) => answer.status))].sort(), [201, 503]);
      assert.equal((await share(server, a, image)).status, 201, "once the burst is over, images are screened again");
      await Promise.all([a, b].map((side) => side.room.leave()));
    });
  });
});

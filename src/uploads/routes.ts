import fs from "node:fs";
import { pipeline } from "node:stream/promises";
import { Router, type Request, type RequestHandler, type Response } from "express";
import { z } from "zod";
import type { Config } from "../config/index.ts";
import { Errors } from "../errors/index.ts";
import { metrics } from "../metrics/index.ts";
import { sendData } from "../http-kit/respond.ts";
import { validated } from "../http-kit/validate.ts";
import type { ImageScreener } from "../screening/index.ts";
import { contentDisposition } from "./content-disposition.ts";
import { describeUpload } from "./describe.ts";
import { displayName } from "./file-name.ts";
import { detectFileType, isAllowedType, isSafeInline } from "./file-type.ts";
import { checkImageDimensions } from "./image-dimensions.ts";
import { receiveOneFile } from "./incoming.ts";
import type { ChatMembership } from "./membership.ts";
import { stagingRoot } from "./lifetime.ts";
import { ownStagingDir } from "./staging.ts";
import type { ByteRange, UploadRecord, UploadStore } from "./store.ts";
import { measureVoice } from "./voice.ts";

export const roomIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "not a room id");
const uploadBody = z.object({ roomId: roomIdSchema }).strict();
const idParams = z.object({ id: z.string().min(1).max(64) });

type UploadKind = "file" | "voice";

function requestedRange(req: Request, size: number): ByteRange | "unsatisfiable" | undefined {
  const ranges = req.range(size, { combine: true });
  if (ranges === -1) return "unsatisfiable";
  if (ranges === undefined || ranges === -2 || ranges.type !== "bytes" || ranges.length !== 1) return undefined;
  return { start: ranges[0]!.start, end: ranges[0]!.end };
}

function contentType(mime: string) {
  return mime.startsWith("text/") ? `${mime}; charset=utf-8` : mime;
}

export interface UploadRouteDeps {
  config: Pick<Config, "uploads" | "limits" | "screening">;
  /** Tells whether an image is sensitive, before it is stored. */
  screener: ImageScreener;
  uploads: UploadStore;
  /** Who is in which live chat. */
  membership: ChatMembership;
  /** Lets only a request with a valid user token through (sets `req.user`). */
  requireUser: RequestHandler;
}

/** `/api/uploads`: files and voice notes of a live chat, readable by its two members only. */
export function uploadRoutes(deps: UploadRouteDeps): Router {
  const { config, uploads, membership } = deps;
  const router = Router();
  const auth = deps.requireUser;

  const isMember = async (roomId: string, userId: string) =>
    (await membership.membersOf(roomId))?.includes(userId) ?? false;

  const accept = (kind: UploadKind) =>
    validated({ body: uploadBody }, async ({ body, req, res }) => {
      const user = req.user!;
      const file = req.file!;
      if (!(await isMember(body.roomId, user.id))) throw Errors.forbidden("You are not in this chat");
      const type = await detectFileType(file.path, file.mimetype);
      if (!type) throw Errors.unsupportedFileType();
      await checkImageDimensions(file.path, type.mime, config.uploads.imageMaxPixels);
      const voice = kind === "voice" ? await measureVoice(file.path, type, config.limits.maxVoiceDurationSeconds) : null;
      const mime = voice?.mime ?? type.mime;
      if (!isAllowedType(mime, config.uploads.allowedTypes)) throw Errors.unsupportedFileType();
      const verdict = voice ? null : await deps.screener.screen(file.path, mime);
      if (verdict) metrics.imageScreened();
      if (verdict?.sensitive) {
        const refused = config.screening.policy === "refuse";
        metrics.imageFlagged(refused ? "refused" : "flagged");
        if (refused) throw Errors.imageRefused();
      }
      const record = await uploads.save(
        {
          roomId: body.roomId,
          ownerId: user.id,
          name: displayName(file.originalname, type.ext, kind === "voice" ? "voice-note" : "file"),
          mime,
          size: file.size,
          duration: voice?.duration ?? null,
          ...(verdict?.sensitive ? { sensitive: true } : {}),
        },
        fs.createReadStream(file.path),
      );
      if (!(await isMember(body.roomId, user.id))) {
        await uploads.delete(record.id);
        throw Errors.forbidden("This chat has ended");
      }
      sendData(res, describeUpload(record), { status: 201 });
    });

  const limits = { dir: ownStagingDir(stagingRoot(config)), maxBytes: config.limits.maxFileSize };
  router.post("/", auth, receiveOneFile({ ...limits, field: "file" }), accept("file"));
  router.post("/voice", auth, receiveOneFile({ ...limits, field: "voice" }), accept("voice"));

  router.get(
    "/:id",
    auth,
    validated({ params: idParams }, async ({ params, req, res }) => {
      const record = await uploads.get(params.id);
      if (!record) throw Errors.notFound("This file is gone");
      const members = await membership.membersOf(record.roomId);
      if (!members) {
        await uploads.deleteRoom(record.roomId);
        throw Errors.notFound("This file is gone");
      }
      if (!members.includes(req.user!.id)) throw Errors.forbidden("This file belongs to another chat");
      await sendUpload(req, res, record);
    }),
  );

  async function sendUpload(req: Request, res: Response, record: UploadRecord) {
    const range = requestedRange(req, record.size);
    if (range === "unsatisfiable") {
      res.set("Content-Range", `bytes */${record.size}`);
      throw Errors.rangeNotSatisfiable();
    }
    const stream = await uploads.read(record.id, range);
    if (!stream) throw Errors.notFound("This file is gone");
    res.status(range ? 206 : 200).set({
      "Content-Type": contentType(record.mime),
      "Content-Length": String(range ? range.end - range.start + 1 : record.size),
      "X-Content-Type-Options": "nosniff",
      "Content-Disposition": contentDisposition(isSafeInline(record.mime) ? "inline" : "attachment", record.name),
      "Cache-Control": "private, no-store",
      "Accept-Ranges": "bytes",
      ...(range ? { "Content-Range": `bytes ${range.start}-${range.end}/${record.size}` } : {}),
    });
    await pipeline(stream, res).catch(() => res.destroy());
  }

  return router;
}

import { randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import type { RequestHandler } from "express";
import multer from "multer";
import { Errors } from "../errors/index.ts";

/**
 * Receives one multipart file into a private staging directory, streaming, and
 * stops at `maxBytes`: multer aborts the part, removes what was written and the
 * request ends in 413. Whatever happens next, the staged file is removed when the
 * response is over.
 */
export interface IncomingOptions {
  dir: string;
  field: string;
  maxBytes: number;
}

const TEXT_FIELDS = 4;

function describeLimit(code: string, maxBytes: number) {
  switch (code) {
    case "LIMIT_FILE_SIZE":
      return Errors.payloadTooLarge(`A file can be at most ${maxBytes} bytes`);
    case "LIMIT_FILE_COUNT":
    case "LIMIT_UNEXPECTED_FILE":
      return Errors.validation([{ field: "body", message: "send exactly one file, in the documented field" }]);
    default:
      return Errors.validation([{ field: "body", message: "too many or too large form fields" }]);
  }
}

export function receiveOneFile(options: IncomingOptions): RequestHandler {
  fs.mkdirSync(options.dir, { recursive: true });
  const parse = multer({
    storage: multer.diskStorage({
      destination: options.dir,
      filename: (_req, _file, done) => done(null, randomBytes(16).toString("hex")),
    }),
    defParamCharset: "utf8",
    limits: {
      fileSize: options.maxBytes,
      files: 1,
      fields: TEXT_FIELDS,
      parts: TEXT_FIELDS + 1,
      fieldNameSize: 64,
      fieldSize: 1024,
      headerPairs: 20,
    },
  }).single(options.field);

  return (req, res, next) => {
    if (!req.is("multipart/form-data")) {
      return next(Errors.unsupportedMediaType("Send the file as multipart/form-data"));
    }
    parse(req, res, (error: unknown) => {
      const staged = req.file?.path;
      if (staged) {
        const remove = () => void fsp.rm(staged, { force: true });
        // A sender that hung up as its last byte arrived closed the response before the file was written.
        if (res.closed) return remove();
        res.once("close", remove);
      }
      if (error instanceof multer.MulterError) return next(describeLimit(error.code, options.maxBytes));
      if (error && !(error as NodeJS.ErrnoException).code) {
        return next(Errors.validation([{ field: "body", message: "malformed multipart body" }]));
      }
      if (error) return next(error);
      if (!req.file) return next(Errors.validation([{ field: options.field, message: "a file is required" }]));
      if (req.file.size === 0) return next(Errors.validation([{ field: options.field, message: "the file is empty" }]));
      next();
    });
  };
}

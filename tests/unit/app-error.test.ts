import assert from "node:assert/strict";
import { AppError, Errors } from "../../src/errors/index.ts";

/** The frames of a stack trace (lines after the first, which is the message). */
const frames = (error: Error) => (error.stack ?? "").split("\n").slice(1).filter((line) => line.trim().startsWith("at "));

describe("AppError", () => {
  it("answers a client error without capturing a stack trace: a flood of bad requests costs no stack walks", () => {
    for (const error of [Errors.notFound(), Errors.rateLimited(), Errors.validation([{ field: "x", message: "bad" }]), Errors.unauthorized()]) {
      assert.ok(error.status < 500);
      assert.deepEqual(frames(error), [], `${error.code} has no frames`);
      assert.equal(error.message.length > 0, true);
    }
  });

  it("keeps the stack trace of a server error, and the process's stack depth for every other error", () => {
    const before = Error.stackTraceLimit;
    const internal = Errors.internal();
    assert.equal(internal.status, 500);
    assert.ok(frames(internal).length > 0, "a 500 keeps where it was made");
    Errors.notFound();
    assert.equal(Error.stackTraceLimit, before);
    assert.ok(frames(new Error("after")).length > 0);
    assert.ok(new AppError("NOT_FOUND") instanceof Error);
  });
});

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DEPCRUISE = path.join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruiser.mjs");

describe("the direction of the code's imports", () => {
  it("has no cycle between folders of src/ and rooms/, nor between modules (.dependency-cruiser.cjs)", function () {
    this.timeout(60_000);
    const run = spawnSync(
      process.execPath,
      [DEPCRUISE, "--config", ".dependency-cruiser.cjs", "--output-type", "err", "src", "rooms"],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  });
});

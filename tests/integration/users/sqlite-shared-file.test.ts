import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Loaded, each process waits for the agreed instant, then opens the file. */
const OPEN = `import { openSqliteDatabase } from ${JSON.stringify(path.resolve(import.meta.dirname, "../../../src/users/sqlite/database.ts"))};
while (Date.now() < Number(process.argv[2]));
openSqliteDatabase(process.argv[1]).close();`;

function openInAnotherProcess(file: string, atEpochMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", OPEN, file, String(atEpochMs)], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("a SQLite file shared by processes", () => {
  it("is created and migrated once when several processes start on it at the same moment", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pairline-sqlite-"));
    try {
      for (let round = 0; round < 2; round++) {
        const file = path.join(dir, `round-${round}.db`);
        const at = Date.now() + 1500;
        const results = await Promise.all(Array.from({ length: 4 }, () => openInAnotherProcess(file, at)));
        for (const { code, output } of results) assert.equal(code, 0, output);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

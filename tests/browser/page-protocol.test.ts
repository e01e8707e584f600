import assert from "node:assert/strict";
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as protocol from "../../rooms/protocol.ts";
import { ROOT } from "../helpers/process.ts";

describe("demo page: its copy of the protocol", () => {
  it("names every message, room and value exactly as rooms/protocol.ts does", async () => {
    const page: Record<string, Record<string, string>> = await import(pathToFileURL(path.join(ROOT, "public/protocol.js")).href);
    const server = protocol as unknown as Record<string, Record<string, string> | undefined>;
    assert.ok(Object.keys(page).length > 0);
    for (const [group, names] of Object.entries(page)) {
      assert.ok(server[group], `rooms/protocol.ts has no ${group}`);
      for (const [name, value] of Object.entries(names)) {
        assert.equal(value, server[group]![name], `${group}.${name}`);
      }
    }
  });
});

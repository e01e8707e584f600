import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {
  ChatClientMessage,
  ChatServerMessage,
  LobbyClientMessage,
  LobbyServerMessage,
} from "../../rooms/protocol.ts";

const README = fs.readFileSync(path.resolve(import.meta.dirname, "../../README.md"), "utf8");

describe("the README's realtime protocol", () => {
  const every = {
    lobby: [...Object.values(LobbyClientMessage), ...Object.values(LobbyServerMessage)],
    chat: [...Object.values(ChatClientMessage), ...Object.values(ChatServerMessage)],
  };
  for (const [room, types] of Object.entries(every)) {
    it(`documents every ${room} message type of rooms/protocol.ts`, () => {
      const missing = [...new Set(types)].filter((type) => !README.includes(`\`${type}\``));
      assert.deepEqual(missing, []);
    });
  }
});

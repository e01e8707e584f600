import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { registerGuest } from "../helpers/http.ts";
import { spawnServer, type ServerProcess } from "../helpers/process.ts";
import { tempDir } from "../helpers/server.ts";
import { eventually } from "../helpers/eventually.ts";
import { filesUnder } from "../helpers/uploads.ts";

/** Starts an upload and stops sending halfway, so the server holds a staged file for it. */
async function stalledUpload(baseUrl: string, token: string): Promise<net.Socket> {
  const boundary = "pairline-stalled";
  const part =
    `--${boundary}\r\nContent-Disposition: form-data; name="roomId"\r\n\r\nsomeRoom\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`;
  const head =
    `POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${part.length + 1024 * 1024}\r\n\r\n`;
  const socket = net.connect(Number(new URL(baseUrl).port), "127.0.0.1");
  socket.on("error", () => undefined);
  socket.write(head + part);
  socket.write(Buffer.alloc(64 * 1024, "a"));
  return socket;
}

describe("uploads staged by a process that stopped", function () {
  this.timeout(120_000);
  const dataDir = tempDir();
  const incoming = path.join(dataDir, "uploads", "incoming");
  const servers: ServerProcess[] = [];
  const start = async () => {
    const server = await spawnServer({ NODE_ENV: "test", JWT_SECRET: "", DATA_DIR: dataDir, LOG_DIR: path.join(dataDir, "logs"), BCRYPT_COST: "4" });
    servers.push(server);
    return server;
  };
  after(async () => {
    for (const server of servers) server.child.kill("SIGKILL");
    await Promise.all(servers.map((server) => server.exited));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("are removed when a process starts, while a running process's are kept", async () => {
    const crashing = await start();
    const { token } = await registerGuest(crashing.baseUrl);
    const socket = await stalledUpload(crashing.baseUrl, token);
    await eventually(() => assert.equal(filesUnder(incoming).length, 1, "the upload is being staged"), 10_000);
    const staged = filesUnder(incoming)[0]!;

    await start();
    const deadline = Date.now() + 1000;
    while (Date.now() < deadline) {
      assert.deepEqual(filesUnder(incoming), [staged], "a running process's upload is not touched");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    crashing.child.kill("SIGKILL");
    await crashing.exited;
    socket.destroy();
    assert.deepEqual(filesUnder(incoming), [staged], "a killed process cleans nothing up");

    await start();
    await eventually(() => assert.deepEqual(filesUnder(incoming), []), 10_000);
  });
});

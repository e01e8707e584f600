import assert from "node:assert/strict";
import os from "node:os";
import { bootServer, bootServerProcess, type TestServerProcess } from "../helpers/server.ts";

/** An address of this machine that is not loopback, if it has one. */
function lanAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((nic) => nic && nic.family === "IPv4" && !nic.internal)?.address;
}

describe("Colyseus playground", function () {
  let server: TestServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it("is served in development, to this machine only (it can profile the process)", async function () {
    const address = lanAddress();
    server = await bootServerProcess({ NODE_ENV: "development", HOST: "0.0.0.0" });
    const local = await fetch(`${server.baseUrl}/playground/rooms`);
    assert.equal(local.status, 200);
    assert.deepEqual(((await local.json()) as { rooms: string[] }).rooms.sort(), ["chat", "lobby"]);
    if (!address) return this.skip();
    const remote = await fetch(`http://${address}:${new URL(server.baseUrl).port}/playground/rooms`);
    assert.equal(remote.status, 404);
  });

  it("is not served outside development", async () => {
    server = await bootServer({ NODE_ENV: "test" });
    assert.equal((await fetch(`${server.baseUrl}/playground/rooms`)).status, 404);
  });
});

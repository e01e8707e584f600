import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import jwt from "jsonwebtoken";
import { EXAMPLE_JWT_SECRET } from "../../src/config/index.ts";
import { registerGuest, request } from "../helpers/http.ts";
import { spawnServer, type ServerProcess } from "../helpers/process.ts";
import { bootServer, tempDir } from "../helpers/server.ts";

const me = (baseUrl: string, token: string) => request(baseUrl, "GET", "/api/auth/me", { token });

/** What `npm start` runs, with no JWT_SECRET whatever the test runner's environment holds. */
const devServer = (dataDir: string) =>
  spawnServer({ NODE_ENV: "development", JWT_SECRET: "", DATA_DIR: dataDir, LOG_DIR: path.join(dataDir, "logs"), BCRYPT_COST: "4" });

async function stopAll(servers: ServerProcess[]) {
  await Promise.all(
    servers.map(async (server) => {
      server.child.kill("SIGKILL");
      await server.exited;
    }),
  );
}

/** Loaded, each process waits for the agreed instant, then asks for the secret of `dir`. */
const RESOLVE = `import { developmentJwtSecret } from ${JSON.stringify(path.resolve(import.meta.dirname, "../../src/auth/development-secret.ts"))};
while (Date.now() < Number(process.argv[2]));
process.stdout.write(developmentJwtSecret(process.argv[1]).secret);`;

function secretFromAnotherProcess(dir: string, atEpochMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", RESOLVE, dir, String(atEpochMs)], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let errors = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (errors += chunk));
    child.on("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(errors))));
  });
}

describe("the JWT secret outside production, when JWT_SECRET is unset", function () {
  this.timeout(60_000);

  it("is random: a dev server refuses a token signed with the old example secret", async () => {
    const dataDir = tempDir();
    const server = await devServer(dataDir);
    try {
      const guest = await registerGuest(server.baseUrl);
      assert.equal((await me(server.baseUrl, guest.token)).status, 200);
      const forged = jwt.sign({ username: guest.username, guest: true }, EXAMPLE_JWT_SECRET, { subject: guest.id, expiresIn: "1h" });
      const res = await me(server.baseUrl, forged);
      assert.equal(res.status, 401);
      assert.equal(res.body.code, "UNAUTHORIZED");
      const kept = fs.statSync(path.join(dataDir, "jwt-secret"));
      assert.equal(kept.mode & 0o777, 0o600, "readable by its owner only");
      assert.doesNotMatch(fs.readFileSync(path.join(dataDir, "jwt-secret"), "utf8"), new RegExp(EXAMPLE_JWT_SECRET));
    } finally {
      await stopAll([server]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("is kept in DATA_DIR: a token stays valid across a restart", async () => {
    const first = await bootServer({}, { keepData: true });
    let guest: { token: string };
    try {
      guest = await registerGuest(first.baseUrl);
    } finally {
      await first.close();
    }
    const second = await bootServer({ DATA_DIR: first.dataDir });
    try {
      assert.equal((await me(second.baseUrl, guest.token)).status, 200);
    } finally {
      await second.stop();
    }
  });

  it("is one secret for processes starting together on a fresh DATA_DIR", async () => {
    const dataDir = tempDir();
    const servers = await Promise.all([devServer(dataDir), devServer(dataDir)]);
    try {
      const [a, b] = servers as [ServerProcess, ServerProcess];
      const fromA = await registerGuest(a.baseUrl);
      const fromB = await registerGuest(b.baseUrl);
      assert.equal((await me(b.baseUrl, fromA.token)).status, 200);
      assert.equal((await me(a.baseUrl, fromB.token)).status, 200);
    } finally {
      await stopAll(servers);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("is made once when many processes ask at the same instant", async () => {
    const dir = tempDir();
    try {
      for (let round = 0; round < 2; round++) {
        const dataDir = path.join(dir, `round-${round}`);
        const at = Date.now() + 1500;
        const secrets = await Promise.all(Array.from({ length: 6 }, () => secretFromAnotherProcess(dataDir, at)));
        assert.equal(new Set(secrets).size, 1, "every process read the same secret");
        assert.equal(secrets[0], fs.readFileSync(path.join(dataDir, "jwt-secret"), "utf8").trim());
        assert.ok(secrets[0]!.length >= 32);
        assert.deepEqual(fs.readdirSync(dataDir), ["jwt-secret"], "no candidate file left behind");
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

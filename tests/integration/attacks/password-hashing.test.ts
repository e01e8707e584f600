import assert from "node:assert/strict";
import { newAccount, registerUser, request, type JsonResponse } from "../../helpers/http.ts";
import { chattingPair, say } from "../../helpers/realtime.ts";
import { bootServer, type TestServer } from "../../helpers/server.ts";

const LOGINS = 20;
const THREADS = 2;
const QUEUE = 8;

describe("attack: a burst of failed logins does not stall the chats", () => {
  let server: TestServer;
  before(async function () {
    this.timeout(60_000);
    server = await bootServer({
      BCRYPT_COST: "11",
      PASSWORD_HASH_THREADS: String(THREADS),
      PASSWORD_HASH_QUEUE: String(QUEUE),
      TRUST_PROXY: "true",
      RATE_LIMIT_ROOM_MESSAGES: "1000000",
    });
  });
  after(() => server.stop());

  it("chat messages keep flowing while 20 logins hash at once, and hashes past the queue are refused at once with Retry-After", async function () {
    this.timeout(120_000);
    const [a, b] = await chattingPair(server.baseUrl);
    const victim = await registerUser(server.baseUrl);

    const answers: Array<JsonResponse & { at: number }> = [];
    let order = 0;
    const logins = Array.from({ length: LOGINS }, (_, i) =>
      request(server.baseUrl, "POST", "/api/auth/login", {
        // Half guess the victim's password, half try emails that do not exist (the decoy hash).
        body: { email: i % 2 === 0 ? victim.email : newAccount("nobody").email, password: `Wrong-guess-${i}` },
        headers: { "x-forwarded-for": `198.51.100.${i + 1}` },
      }).then((res) => answers.push({ ...res, at: order++ })),
    );
    let pending = true;
    const allAnswered = Promise.all(logins).then(() => (pending = false));

    let acksWhileHashing = 0;
    for (let i = 0; pending; i++) {
      await say(a, `ping ${i}`, `p${i}`);
      if (pending) acksWhileHashing += 1;
    }
    await allAnswered;

    assert.ok(acksWhileHashing >= 100, `only ${acksWhileHashing} chat messages were acknowledged while the logins hashed`);
    const refused = answers.filter((r) => r.status === 503);
    const checked = answers.filter((r) => r.status === 401);
    assert.equal(refused.length + checked.length, LOGINS, `unexpected answers: ${answers.map((r) => r.status)}`);
    assert.ok(checked.length >= THREADS + QUEUE, `${checked.length} logins were checked`);
    assert.ok(refused.length >= 1, "no login was refused although more arrived than threads and queue hold");
    for (const r of refused) {
      assert.equal(r.body.code, "SERVICE_UNAVAILABLE");
      assert.ok(Number(r.headers.get("retry-after")) > 0, "a refusal says when to retry");
    }
    assert.ok(checked.every((r) => r.body.code === "INVALID_CREDENTIALS"));
    const firstChecked = Math.min(...checked.map((r) => r.at));
    assert.ok(refused.every((r) => r.at < firstChecked), "the refusals came before any hash finished");

    await say(b, "and the other way", "b1");
    const ok = await request(server.baseUrl, "POST", "/api/auth/login", { body: { email: victim.email, password: victim.password } });
    assert.equal(ok.status, 200);
  });
});

import assert from "node:assert/strict";
import { request } from "../../helpers/http.ts";
import { requireRedisServer } from "../../helpers/redis.ts";
import { startCluster, type Cluster } from "./cluster.ts";

const ADMIN_PASSWORD = "admin-password-for-limit-tests";
const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`;

describe("cluster: admin limits are one limit for every process", function () {
  requireRedisServer(this.ctx);
  // Starting two processes takes long on a loaded machine.
  this.timeout(180_000);
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(2, {
      ADMIN_PASSWORD,
      RATE_LIMIT_ADMIN_MAX: "6",
      RATE_LIMIT_ADMIN_WINDOW_MS: "60000",
      RATE_LIMIT_API_MAX: "10",
      RATE_LIMIT_API_WINDOW_MS: "60000",
    });
  });
  after(() => cluster?.stop());

  // The cluster trusts X-Forwarded-For from loopback: each case plays a client of its own.
  const from = (address: string, authorization: string) => ({ headers: { authorization, "x-forwarded-for": address } });

  it("a burst of wrong passwords split over both processes and both admin paths hits the one limit", async () => {
    const [a, b] = cluster.members;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2
          ? request(a!.baseUrl, "GET", "/colyseus/api", from("203.0.113.10", basic(`guess-${i}`)))
          : request(b!.baseUrl, "GET", "/api/admin/users/x/reports", from("203.0.113.10", basic(`guess-${i}`))),
      ),
    );
    assert.equal(answers.filter((res) => res.status === 401).length, 6);
    const refused = answers.filter((res) => res.status === 429);
    assert.equal(refused.length, 14);
    assert.equal(refused[0]!.body.code, "RATE_LIMITED");
    for (const member of [a!, b!]) {
      assert.equal((await request(member.baseUrl, "GET", "/colyseus/api", from("203.0.113.10", basic(ADMIN_PASSWORD)))).status, 429);
    }
  });

  it("the admin API's per-IP limit is shared too", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const member = cluster.members[i % 2]!;
      statuses.push((await request(member.baseUrl, "GET", "/api/admin/users/x/reports", from("203.0.113.11", basic(ADMIN_PASSWORD)))).status);
    }
    assert.equal(statuses.filter((status) => status === 429).length, 4, `statuses: ${statuses.join(",")}`);
    assert.ok(statuses.slice(0, 10).every((status) => status !== 429 && status !== 401), `statuses: ${statuses.join(",")}`);
  });
});

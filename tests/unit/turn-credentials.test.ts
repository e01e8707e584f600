import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { turnCredential } from "../../src/rtc/ice-servers.ts";

/** What coturn does with `use-auth-secret`: recompute the password, refuse an expired username. */
function turnServerAccepts(secret: string, username: string, password: string, nowSeconds: number): boolean {
  const expiry = Number(username.split(":")[0]);
  const expected = createHmac("sha1", secret).update(username).digest("base64");
  return expected === password && expiry > nowSeconds;
}

describe("TURN credentials", () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);

  it("are accepted by a TURN server sharing the secret until they expire", () => {
    const { username, credential, expiresAt } = turnCredential("s3cret", "user-1", 3600, now);
    assert.equal(username, `${now / 1000 + 3600}:user-1`);
    assert.equal(expiresAt.getTime(), now + 3600 * 1000);
    assert.ok(turnServerAccepts("s3cret", username, credential, now / 1000));
    assert.ok(turnServerAccepts("s3cret", username, credential, now / 1000 + 3599));
    assert.ok(!turnServerAccepts("s3cret", username, credential, now / 1000 + 3600), "expired");
  });

  it("are refused with another secret or another user's name", () => {
    const { username, credential } = turnCredential("s3cret", "user-1", 3600, now);
    assert.ok(!turnServerAccepts("other", username, credential, now / 1000));
    assert.ok(!turnServerAccepts("s3cret", username.replace("user-1", "user-2"), credential, now / 1000));
  });
});

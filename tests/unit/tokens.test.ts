import assert from "node:assert/strict";
import jwt from "jsonwebtoken";
import { createTokenService } from "../../src/auth/tokens.ts";

const user = { id: "u1", username: "ann", isGuest: true };

describe("session tokens", () => {
  const secret = "a secret of thirty-two bytes or more!";
  const tokens = createTokenService({ secret, expiresIn: "1h" });

  it("are plain HS256 JWTs under the configured secret, readable by any process that has it", () => {
    const claims = jwt.verify(tokens.sign(user), secret, { algorithms: ["HS256"] }) as jwt.JwtPayload;
    assert.equal(claims.sub, "u1");
    const issuedElsewhere = jwt.sign({ username: "ann", guest: true }, secret, { algorithm: "HS256", subject: "u1", expiresIn: "1h" });
    assert.equal(tokens.verify(issuedElsewhere).sub, "u1");
  });

  it("are the bytes jsonwebtoken signs for the same claims, lifetimes read as it reads them", () => {
    for (const [expiresIn, seconds] of [["1h", 3600], ["7d", 7 * 86400], [90, 90]] as const) {
      const token = tokens.sign(user, expiresIn);
      const claims = jwt.decode(token) as jwt.JwtPayload;
      assert.equal(claims.exp! - claims.iat!, seconds);
      const { username, guest, iat, exp, sub } = claims;
      assert.equal(jwt.sign({ username, guest, iat, exp, sub }, secret, { algorithm: "HS256" }), token);
    }
    assert.throws(() => tokens.sign(user, "soon"));
  });

  it("signed with another secret are refused", () => {
    const other = createTokenService({ secret: "another secret of thirty-two bytes!!", expiresIn: "1h" });
    assert.throws(() => tokens.verify(other.sign(user)), /Invalid token/);
  });
});

describe("session tokens verified again (the per-process cache)", () => {
  const secret = "a secret of thirty-two bytes or more!";

  it("a token verified once is refused once it has expired", async () => {
    const tokens = createTokenService({ secret, expiresIn: "1h" });
    const token = tokens.sign(user, 1);
    assert.equal(tokens.verify(token).sub, "u1");
    const { exp } = jwt.decode(token) as jwt.JwtPayload;
    await new Promise((resolve) => setTimeout(resolve, exp! * 1000 - Date.now() + 20));
    assert.throws(() => tokens.verify(token), /Token expired/);
  });

  it("a verified token with its signature changed is refused", () => {
    const tokens = createTokenService({ secret, expiresIn: "1h" });
    const token = tokens.sign(user);
    assert.equal(tokens.verify(token).sub, "u1");
    const [header, payload, signature] = token.split(".");
    const forged = `${header}.${payload}.${signature!.startsWith("A") ? "B" : "A"}${signature!.slice(1)}`;
    assert.throws(() => tokens.verify(forged), /Invalid token/);
    const otherSecret = jwt.sign({ username: "ann", guest: true }, "another secret of thirty-two bytes!!", { algorithm: "HS256", subject: "u1", expiresIn: "1h" });
    assert.throws(() => tokens.verify(otherSecret), /Invalid token/);
  });

  it("answers the same claims as the first verify, and they cannot be changed by a caller", () => {
    const tokens = createTokenService({ secret, expiresIn: "1h" });
    const token = tokens.sign(user);
    const first = tokens.verify(token);
    assert.throws(() => Object.assign(tokens.verify(token), { sub: "someone-else" }));
    assert.deepEqual(tokens.verify(token), first);
    assert.equal(tokens.verify(token).sub, "u1");
  });
});

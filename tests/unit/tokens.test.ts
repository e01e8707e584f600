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

  it("signed with another secret are refused", () => {
    const other = createTokenService({ secret: "another secret of thirty-two bytes!!", expiresIn: "1h" });
    assert.throws(() => tokens.verify(other.sign(user)), /Invalid token/);
  });
});

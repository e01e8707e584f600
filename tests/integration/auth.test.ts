import assert from "node:assert/strict";
import jwt from "jsonwebtoken";
import { guestBody, request, newAccount, registerUser, registerGuest } from "../helpers/http.ts";
import { bootServer, type TestServer } from "../helpers/server.ts";

/** Set explicitly so the suite can sign tokens of its own. */
const JWT_SECRET = "a-test-secret-of-at-least-32-bytes-for-forging";

describe("accounts over REST", () => {
  let server: TestServer;
  let url: string;
  before(async () => {
    server = await bootServer({ JWT_SECRET });
    url = server.baseUrl;
  });
  after(() => server.stop());

  describe("register, login, me", () => {
    it("registers, logs in and reads the current user with the seed's shapes", async () => {
      const account = newAccount();
      const registered = await request(url, "POST", "/api/auth/register", { body: account });
      assert.equal(registered.status, 201);
      assert.equal(registered.body.success, true);
      assert.equal(registered.body.message, "User registered successfully");
      const { token, user } = registered.body.data;
      assert.equal(typeof token, "string");
      assert.match(user.id, /^[0-9a-f]{24}$/);
      assert.equal(user.username, account.username);
      assert.equal(user.email, account.email);
      assert.equal(user.isOnline, false);
      assert.ok(!Number.isNaN(Date.parse(user.createdAt)));
      assert.equal(user.passwordHash, undefined, "the hash never leaves the server");

      const login = await request(url, "POST", "/api/auth/login", {
        body: { email: account.email.toUpperCase(), password: account.password },
      });
      assert.equal(login.status, 200);
      assert.equal(login.body.data.user.id, user.id);

      const me = await request(url, "GET", "/api/auth/me", { token: login.body.data.token });
      assert.equal(me.status, 200);
      assert.deepEqual(me.body.data.user, user);
    });

    it("gives the same answer for an unknown email and a wrong password", async () => {
      const user = await registerUser(url);
      const wrongPassword = await request(url, "POST", "/api/auth/login", {
        body: { email: user.email, password: "Wrong-password1" },
      });
      const unknownEmail = await request(url, "POST", "/api/auth/login", {
        body: { email: "nobody-here@example.com", password: user.password },
      });
      assert.equal(wrongPassword.status, 401);
      assert.deepEqual(wrongPassword.body, unknownEmail.body);
      assert.deepEqual(wrongPassword.body, {
        success: false,
        message: "Invalid email or password",
        code: "INVALID_CREDENTIALS",
      });
    });

    it("creates guests with a generated or chosen name, who can use the API", async () => {
      const anonymous = await registerGuest(url);
      assert.match(anonymous.username, /^guest_[0-9a-f]{8}$/);
      const named = await registerGuest(url, `Night_${Date.now() % 100000}`);
      const me = await request(url, "GET", "/api/auth/me", { token: named.token });
      assert.equal(me.status, 200);
      assert.equal(me.body.data.user.isGuest, true);
      assert.equal(me.body.data.user.email, null);
      const taken = await request(url, "POST", "/api/auth/guest", { body: await guestBody(url, { username: named.username }) });
      assert.equal(taken.status, 409);
    });

    it("refuses a second account with the same username or email, whatever the case", async () => {
      const user = await registerUser(url);
      const sameEmail = await request(url, "POST", "/api/auth/register", {
        body: { ...newAccount(), email: user.email.toUpperCase() },
      });
      assert.equal(sameEmail.status, 409);
      assert.equal(sameEmail.body.code, "USER_EXISTS");
      assert.deepEqual(sameEmail.body.errors, [{ field: "email", message: "already taken" }]);
      const sameName = await request(url, "POST", "/api/auth/register", {
        body: { ...newAccount(), username: user.username.toUpperCase() },
      });
      assert.equal(sameName.status, 409);
      assert.deepEqual(sameName.body.errors, [{ field: "username", message: "already taken" }]);
    });
  });

  describe("validation", () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["a short username", { username: "ab" }, "body.username"],
      ["a username with spaces", { username: "john doe" }, "body.username"],
      ["a long username", { username: "x".repeat(31) }, "body.username"],
      ["an invalid email", { email: "not-an-email" }, "body.email"],
      ["a short password", { password: "Pass1" }, "body.password"],
      ["a password without uppercase", { password: "password123" }, "body.password"],
      ["a password without lowercase", { password: "PASSWORD123" }, "body.password"],
      ["a password without a digit", { password: "PasswordABC" }, "body.password"],
      ["a password over 72 bytes", { password: "Aa1" + "é".repeat(35) }, "body.password"],
      ["a missing field", { password: undefined }, "body.password"],
      ["a number for a string", { username: 12345 }, "body.username"],
      ["an operator object", { email: { $ne: null } }, "body.email"],
      ["an unknown field", { isAdmin: true }, "body"],
    ];
    for (const [name, change, field] of cases) {
      it(`refuses ${name} with 400 naming ${field}`, async () => {
        const body = { ...newAccount(), ...change };
        const res = await request(url, "POST", "/api/auth/register", { body });
        assert.equal(res.status, 400);
        assert.equal(res.body.success, false);
        assert.equal(res.body.code, "VALIDATION_FAILED");
        assert.ok(
          res.body.errors.some((e: { field: string }) => e.field === field),
          `expected an error on ${field}, got ${JSON.stringify(res.body.errors)}`,
        );
      });
    }

    it("refuses operator objects on login instead of querying with them", async () => {
      const res = await request(url, "POST", "/api/auth/login", {
        body: { email: { $ne: null }, password: { $gt: "" } },
      });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.errors.map((e: { field: string }) => e.field).sort(), ["body.email", "body.password"]);
    });

    it("refuses __proto__ and constructor keys", async () => {
      const raw = `{"username":"proto_user","email":"p@example.com","password":"Password123","__proto__":{"isAdmin":true}}`;
      const res = await request(url, "POST", "/api/auth/register", { body: raw });
      assert.equal(res.status, 400);
      assert.equal(res.body.code, "VALIDATION_FAILED");
      const ctor = await request(url, "POST", "/api/auth/guest", { body: { constructor: { prototype: {} } } });
      assert.equal(ctor.status, 400);
      assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
    });
  });

  describe("token attacks", () => {
    let user: Awaited<ReturnType<typeof registerUser>>;
    before(async () => {
      user = await registerUser(url);
    });
    const me = (token: string) => request(url, "GET", "/api/auth/me", { token });
    const now = () => Math.floor(Date.now() / 1000);
    const claims = () => ({ sub: user.id, username: user.username, guest: false });

    it("accepts the genuine token", async () => {
      assert.equal((await me(user.token)).status, 200);
    });

    it("refuses no token, a malformed header and garbage", async () => {
      assert.equal((await request(url, "GET", "/api/auth/me")).status, 401);
      assert.equal(
        (await request(url, "GET", "/api/auth/me", { headers: { authorization: `Token ${user.token}` } })).status,
        401,
      );
      assert.equal((await me("not.a.jwt")).status, 401);
    });

    it("refuses alg none", async () => {
      const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
      const payload = Buffer.from(JSON.stringify({ ...claims(), iat: now(), exp: now() + 3600 })).toString("base64url");
      const res = await me(`${header}.${payload}.`);
      assert.equal(res.status, 401);
      assert.equal(res.body.code, "UNAUTHORIZED");
    });

    it("refuses a token signed with another secret or another algorithm", async () => {
      assert.equal((await me(jwt.sign(claims(), "another-secret-entirely", { expiresIn: "1h" }))).status, 401);
      assert.equal(
        (await me(jwt.sign(claims(), JWT_SECRET, { algorithm: "HS512", expiresIn: "1h" }))).status,
        401,
      );
    });

    it("refuses an expired token", async () => {
      const expired = jwt.sign({ ...claims(), iat: now() - 7200, exp: now() - 3600 }, JWT_SECRET);
      const res = await me(expired);
      assert.equal(res.status, 401);
      assert.equal(res.body.message, "Token expired");
    });

    it("refuses a token without exp and one not valid yet", async () => {
      assert.equal((await me(jwt.sign(claims(), JWT_SECRET))).status, 401);
      const future = jwt.sign({ ...claims(), nbf: now() + 3600 }, JWT_SECRET, { expiresIn: "2h" });
      assert.equal((await me(future)).status, 401);
    });

    it("refuses the token of a deleted user", async () => {
      const doomed = await registerUser(url);
      assert.equal((await me(doomed.token)).status, 200);
      assert.equal(await server.services.users.delete(doomed.id), true);
      const res = await me(doomed.token);
      assert.equal(res.status, 401);
      assert.equal(res.body.code, "UNAUTHORIZED");
    });
  });
});

describe("accounts survive a restart", () => {
  it("a user registered before a restart can log in after it", async () => {
    const first = await bootServer({}, { keepData: true });
    const account = newAccount();
    try {
      await registerUser(first.baseUrl, account);
    } finally {
      await first.close();
    }
    const second = await bootServer({ DATA_DIR: first.dataDir });
    try {
      const login = await request(second.baseUrl, "POST", "/api/auth/login", {
        body: { email: account.email, password: account.password },
      });
      assert.equal(login.status, 200);
      assert.equal(login.body.data.user.username, account.username);
    } finally {
      await second.stop();
    }
  });
});

import assert from "node:assert/strict";
import { createMeetingSigner } from "../../src/users/meetings.ts";
import { independentReporters } from "../../src/users/moderation.ts";

const HOUR = 3600_000;

describe("meeting tokens: proof that two users had a chat", () => {
  const meetings = createMeetingSigner("secret", 24 * HOUR);
  const startedAt = Date.now() - 1000;
  const token = meetings.issue("room_1", ["alice", "bob"], startedAt);

  it("name the chat for either member reporting the other", () => {
    assert.deepEqual(meetings.verify(token, "alice", "bob"), { roomId: "room_1", startedAt });
    assert.deepEqual(meetings.verify(token, "bob", "alice"), { roomId: "room_1", startedAt });
  });

  it("prove nothing about anyone else, nor when altered, nor under another secret", () => {
    assert.equal(meetings.verify(token, "carol", "bob"), null, "a third user cannot use the pair's token");
    assert.equal(meetings.verify(token, "alice", "carol"), null, "nor can a member report someone else with it");
    assert.equal(meetings.verify(token, "alice", "alice"), null);
    assert.equal(meetings.verify(token.replace("room_1", "room_2"), "alice", "bob"), null);
    assert.equal(meetings.verify(token.replace(String(startedAt), String(startedAt + 1)), "alice", "bob"), null);
    assert.equal(meetings.verify(`${token}x`, "alice", "bob"), null);
    assert.equal(meetings.verify(`${token}.extra`, "alice", "bob"), null);
    assert.equal(meetings.verify("", "alice", "bob"), null);
    assert.equal(createMeetingSigner("other secret", 24 * HOUR).verify(token, "alice", "bob"), null);
  });

  it("expire after their window and are never from the future", () => {
    assert.equal(meetings.verify(token, "alice", "bob", startedAt + 24 * HOUR), null);
    assert.ok(meetings.verify(token, "alice", "bob", startedAt + 24 * HOUR - 1));
    assert.equal(meetings.expiresAt(startedAt), startedAt + 24 * HOUR);
    const later = meetings.issue("room_1", ["alice", "bob"], Date.now() + 10 * 60_000);
    assert.equal(meetings.verify(later, "alice", "bob"), null);
  });
});

describe("independent reporters: what a bot farm cannot mint for free", () => {
  const mark = (reporterId: string, reporterIp: string | null, reporterDeviceId: string | null = null) => ({ reporterId, reporterIp, reporterDeviceId });

  it("counts accounts that differ in address and device", () => {
    assert.equal(independentReporters([mark("a", "10.0.0.1", "d1"), mark("b", "10.0.0.2", "d2"), mark("c", "10.0.0.3")]), 3);
  });

  it("counts many accounts behind one address once", () => {
    assert.equal(independentReporters([mark("a", "10.0.0.1", "d1"), mark("b", "10.0.0.1", "d2"), mark("c", "10.0.0.1", "d3")]), 1);
  });

  it("counts many accounts on one device once, whatever their addresses", () => {
    assert.equal(independentReporters([mark("a", "10.0.0.1", "d1"), mark("b", "10.0.0.2", "d1"), mark("c", "10.0.0.3", "d1")]), 1);
  });

  it("counts one account once, and a report from an unknown address not at all", () => {
    assert.equal(independentReporters([mark("a", "10.0.0.1"), mark("a", "10.0.0.2"), mark("b", null, "d9")]), 1);
  });
});

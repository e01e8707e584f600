import assert from "node:assert/strict";
import { LocalPresence } from "@colyseus/core";
import { PresenceEpoch } from "../../rooms/presence-epoch.ts";

/** What a Redis restarted without persistence holds: nothing. */
function empty(presence: LocalPresence): void {
  presence.data = Object.create(null);
  presence.hash = Object.create(null);
  presence.keys = Object.create(null);
}

describe("presence epoch: whether the shared presence lost what a lobby put in it", () => {
  it("is not lost for lobbies that first looked at an empty presence at the same time", async () => {
    const presence = new LocalPresence();
    const lobbies = [new PresenceEpoch(presence), new PresenceEpoch(presence), new PresenceEpoch(presence)];
    assert.deepEqual(await Promise.all(lobbies.map((lobby) => lobby.lostSinceLastCheck())), [false, false, false]);
    assert.deepEqual(await Promise.all(lobbies.map((lobby) => lobby.lostSinceLastCheck())), [false, false, false]);
  });

  it("is lost, once, for every lobby after the presence came back empty", async () => {
    const presence = new LocalPresence();
    const lobbies = [new PresenceEpoch(presence), new PresenceEpoch(presence)];
    for (const lobby of lobbies) await lobby.lostSinceLastCheck();
    empty(presence);
    assert.deepEqual([await lobbies[0]!.lostSinceLastCheck(), await lobbies[1]!.lostSinceLastCheck()], [true, true]);
    assert.deepEqual([await lobbies[0]!.lostSinceLastCheck(), await lobbies[1]!.lostSinceLastCheck()], [false, false]);
  });

  it("leaves nothing behind once every lobby is gone", async () => {
    const presence = new LocalPresence();
    const lobbies = [new PresenceEpoch(presence), new PresenceEpoch(presence)];
    for (const lobby of lobbies) await lobby.lostSinceLastCheck();
    for (const lobby of lobbies) await lobby.forget();
    assert.equal(await presence.scard("pairline:presence-readers"), 0);
  });
});

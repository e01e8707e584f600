import assert from "node:assert/strict";
import { setTimeout as pause } from "node:timers/promises";
import { LocalPresence } from "@colyseus/core";
import { chatHosts, type ChatHosts } from "../../src/matchmaking/chat-hosts.ts";
import type { QueueEntry } from "../../src/matchmaking/entry.ts";
import { queueEntry } from "../helpers/queue.ts";

/**
 * Processes sharing one presence, as processes share Redis; `prepare` stands for making the room
 * (and may take its time or fail), and each process records the pairs whose chat it announced.
 */
function processes(ids: string[], prepare: (id: string, a: QueueEntry, b: QueueEntry) => Promise<void>, timeoutMs?: number) {
  const presence = new LocalPresence();
  const prepared: string[] = [];
  const opened = new Map<string, string[]>(ids.map((id) => [id, []]));
  const hosts = new Map<string, ChatHosts>(
    ids.map((id) => [
      id,
      chatHosts(presence, () => id, async (a, b) => {
        prepared.push(`${a.userId}+${b.userId}`);
        await prepare(id, a, b);
        return () => opened.get(id)!.push(`${a.userId}+${b.userId}`);
      }, timeoutMs),
    ]),
  );
  return { presence, hosts, prepared, opened, serve: () => Promise.all([...hosts.values()].map((h) => h.serve())) };
}


const on = (processId: string | undefined, userId: string) => queueEntry(userId, { processId });

describe("chat hosts: a pair's chat opens on the process of one of its lobbies", () => {
  it("asks the process holding both lobbies to open the chat, and settles when it has", async () => {
    const { hosts, opened, serve } = processes(["p1", "p2"], async () => undefined);
    await serve();
    await hosts.get("p1")!.open(on("p2", "a"), on("p2", "b"));
    assert.deepEqual(opened.get("p2"), ["a+b"]);
    assert.deepEqual(opened.get("p1"), []);
  });

  it("opens here when both lobbies are here, and when an entry does not say where its lobby is", async () => {
    const { hosts, opened, serve } = processes(["p1", "p2"], async () => undefined);
    await serve();
    await hosts.get("p1")!.open(on("p1", "a"), on("p1", "b"));
    await hosts.get("p1")!.open(on(undefined, "c"), on(undefined, "d"));
    assert.deepEqual(opened.get("p1"), ["a+b", "c+d"]);
    assert.deepEqual(opened.get("p2"), []);
  });

  it("spreads the chats of pairs whose lobbies are on two processes over both", async () => {
    const { hosts, opened, serve } = processes(["p1", "p2"], async () => undefined);
    await serve();
    for (let i = 0; i < 200; i++) await hosts.get("p1")!.open(on("p1", `a${i}`), on("p2", `b${i}`));
    const [here, there] = [opened.get("p1")!.length, opened.get("p2")!.length];
    assert.equal(here + there, 200);
    assert.ok(here >= 60 && there >= 60, `${here} here, ${there} on the other process (100 each would be even)`);
  });

  it("rejects with the host's reason when the host could not open the chat", async () => {
    const { hosts, serve } = processes(["p1", "p2"], async (id) => {
      if (id === "p2") throw new Error("chat refused a seat");
    });
    await serve();
    await assert.rejects(hosts.get("p1")!.open(on("p2", "a"), on("p2", "b")), /could not open the chat: chat refused a seat/);
  });

  it("rejects when the host does not answer in time (a process that is gone)", async () => {
    const { hosts, serve } = processes(["p1"], async () => undefined, 50);
    await serve();
    const startedAt = Date.now();
    await assert.rejects(hosts.get("p1")!.open(on("gone", "a"), on("gone", "b")), /did not answer within 50 ms/);
    assert.ok(Date.now() - startedAt >= 45);
  });

  it("does not announce a chat it finished after the asking process stopped waiting", async () => {
    const { hosts, opened, serve } = processes(["p1", "p2"], (id) => pause(id === "p2" ? 150 : 0), 100);
    await serve();
    await assert.rejects(hosts.get("p1")!.open(on("p2", "a"), on("p2", "b")), /did not answer within 100 ms/);
    await pause(100);
    assert.deepEqual(opened.get("p2"), [], "the pair went back to the queue: nobody is told of its chat");
  });

  it("does not even make the room for a request that arrives after the asking process stopped waiting", async () => {
    const { presence, prepared, serve } = processes(["p1", "p2"], async () => undefined);
    await serve();
    const answers: unknown[] = [];
    await presence.subscribe("pairline:chat-host:p1", (message: unknown) => answers.push(message));
    // As a Redis stall would deliver it: sent 10 s ago, by a process that waits 10 s.
    const pair = [on("p2", "a"), on("p2", "b")];
    await presence.publish("pairline:chat-host:p2", { kind: "open", id: "late", from: "p1", pair, sentAt: Date.now() - 10_000, waitMs: 10_000 });
    await pause(10);
    assert.deepEqual(prepared, []);
    assert.deepEqual(answers, [{ kind: "opened", id: "late", error: "the request came after the asking process stopped waiting" }]);
  });

  it("gives up waiting for the hosts asked when this process stops", async () => {
    let release!: () => void;
    const { hosts, opened, serve } = processes(["p1", "p2"], (id) => (id === "p2" ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()));
    await serve();
    const asking = hosts.get("p1")!.open(on("p2", "a"), on("p2", "b"));
    hosts.get("p1")!.stop();
    await assert.rejects(asking, /this process is stopping/);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(opened.get("p2"), ["a+b"], "the host's late answer changes nothing here");
  });
});

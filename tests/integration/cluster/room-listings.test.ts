import assert from "node:assert/strict";
import { generateId, initializeRoomCache } from "@colyseus/core";
import type { Redis } from "ioredis";
import { DEFAULT_ROOMS_PREFIX, NameIndexedRedisDriver } from "../../../src/matchmaking/driver/redis-driver.ts";
import { costBetween, readRedisCost, WHOLE_COLLECTION_COMMANDS } from "../../helpers/redis-cost.ts";
import { requireRedisServer } from "../../helpers/redis.ts";
import { LobbyClientMessage, LobbyServerMessage, type LobbyServerPayloads } from "../../../rooms/protocol.ts";
import { askForMatch, enterLobby, newUser, type LobbySession } from "../../helpers/realtime.ts";
import { eventually } from "../../helpers/eventually.ts";
import { startCluster, type Cluster, type Member } from "./cluster.ts";

type Matched = LobbyServerPayloads[typeof LobbyServerMessage.Matched];

const LISTING_KEY = `${DEFAULT_ROOMS_PREFIX}:listing`;
/** Where processes report their load each second: not a listing, and not part of a join. */
const LOAD_KEY = `${DEFAULT_ROOMS_PREFIX}:load`;

/** A command Redis ran on a key of the room listings (or of Colyseus's own `roomcaches`), with room ids blanked. */
interface ListingCommand {
  command: string;
  key: string;
}

/** `count` live chat rooms, listed as the lobby lists them (private and full), on a process of their own. */
async function listChats(driver: NameIndexedRedisDriver, count: number): Promise<void> {
  for (let done = 0; done < count; done += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, count - done) }, () =>
        driver.persist(initializeRoomCache({ roomId: generateId(), name: "chat", processId: "chat-host", clients: 2, maxClients: 2, locked: true, private: true, metadata: {} }), true),
      ),
    );
  }
}

/** Every Redis command that touched a room listing while `work` ran, except those of the `probe` connection. */
async function listingCommandsDuring(cluster: Cluster, probe: Redis, work: () => Promise<void>): Promise<ListingCommand[]> {
  const probeAddress = /addr=(\S+)/.exec(String(await probe.call("CLIENT", "INFO")))![1];
  const connection = cluster.redis.client();
  const monitor = await connection.monitor();
  const seen: ListingCommand[] = [];
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    if (source === probeAddress) return;
    const [command, ...rest] = args.map(String);
    const key = rest.find((arg) => (arg.startsWith(DEFAULT_ROOMS_PREFIX) && arg !== LOAD_KEY) || arg === "roomcaches");
    if (key) seen.push({ command: command!.toLowerCase(), key: key.replace(/:[\w-]{9,}$/, ":<id>") });
  });
  try {
    await work();
  } finally {
    monitor.disconnect();
    connection.disconnect();
  }
  return seen;
}

describe("cluster: room listings in Redis", function () {
  requireRedisServer(this.ctx);
  this.timeout(180_000);
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it("a lobby join through a real server runs the same Redis commands and moves the same bytes with 10 or 10,000 live chats", async () => {
    cluster = await startCluster(1);
    const member = cluster.members[0]!;
    const probe = cluster.redis.client();
    const driver = new NameIndexedRedisDriver(cluster.redis.client());
    const sessions: LobbySession[] = [];
    try {
      const lobbyClients = async () => JSON.parse((await probe.hget(LISTING_KEY, sessions[0]!.room.roomId))!).clients as number;
      const join = async () => {
        const user = await newUser(member.baseUrl);
        const session = await enterLobby(user);
        sessions.push(session);
        await eventually(async () => assert.equal(await lobbyClients(), sessions.length), 10_000);
      };
      /** One join, measured: the commands on room listings (by MONITOR), then the bytes of another join (without it). */
      const measure = async () => {
        const commands = await listingCommandsDuring(cluster!, probe, join);
        const before = await readRedisCost(probe);
        await join();
        return { commands, outputBytes: costBetween(before, await readRedisCost(probe)).outputBytes };
      };

      await listChats(driver, 10);
      await join(); // opens the lobby room, and loads the scripts
      const withTen = await measure();
      await listChats(driver, 9_990);
      const withTenThousand = await measure();

      assert.deepEqual(withTenThousand.commands, withTen.commands);
      assert.ok(!withTen.commands.some(({ key }) => key === `${DEFAULT_ROOMS_PREFIX}:open:lobby`), "a process looks up its own lobbies in memory, not in Redis");
      for (const { command, key } of withTenThousand.commands) {
        assert.notEqual(key, "roomcaches", "Colyseus's global listing is not used");
        assert.ok(!WHOLE_COLLECTION_COMMANDS.includes(command), `${command} ${key}`);
        assert.ok(!key.endsWith(":chat"), `${command} ${key} read a chat index`);
      }
      // 10,000 listings are ~2.5 MB; a lobby join moves a few kB either way (background tasks add a little noise)
      assert.ok(withTenThousand.outputBytes - withTen.outputBytes < 32 * 1024, `${withTen.outputBytes} → ${withTenThousand.outputBytes} bytes`);
    } finally {
      await Promise.all(sessions.map((session) => session.room.leave().catch(() => undefined)));
      probe.disconnect();
      await driver.shutdown();
    }
  });

  it("spreads the chat rooms of a burst of 60 pairs over all three processes, roughly evenly", async () => {
    cluster = await startCluster(3);
    const members = cluster.members;
    const users = await Promise.all(Array.from({ length: 120 }, (_, i) => newUser(members[i % 3]!.baseUrl)));
    const sessions: LobbySession[] = [];
    try {
      for (const user of users) sessions.push(await enterLobby(user));
      for (const session of sessions) session.room.send(LobbyClientMessage.Match, {});
      const matched = await Promise.all(sessions.map((session) => session.inbox.next<Matched>(LobbyServerMessage.Matched, 90_000)));
      const hostOfChat = new Map(matched.map((m) => [m.roomId, cluster!.hostOf(m.reservation).address]));
      assert.equal(hostOfChat.size, 60);
      const chatsPerProcess = members.map((member) => [...hostOfChat.values()].filter((address) => address === member.address).length);
      assert.ok(chatsPerProcess.every((chats) => chats >= 10), `chats per process: ${chatsPerProcess.join(", ")} (20 each would be even)`);
    } finally {
      await Promise.all(sessions.map((session) => session.room.leave().catch(() => undefined)));
    }
  });

  it("opens the chats of a burst on both processes even when one process claims every pair", async () => {
    // Each user of the first process waits for a topic of their own; each user of the second
    // then asks for one of those topics: the second process claims every pair.
    cluster = await startCluster(2, { MATCH_WIDEN_AFTER_MS: "600000" });
    const [first, second] = cluster.members as [Member, Member];
    const pairs = 40;
    const users = await Promise.all(Array.from({ length: 2 * pairs }, (_, i) => newUser((i < pairs ? first : second).baseUrl)));
    const sessions: LobbySession[] = [];
    const topic = (i: number) => ({ preferences: { interests: [`topic-${i % pairs}`] } });
    try {
      for (const user of users) sessions.push(await enterLobby(user));
      const [waiting, arriving] = [sessions.slice(0, pairs), sessions.slice(pairs)];
      await Promise.all(waiting.map((session, i) => (session.room.send(LobbyClientMessage.Match, topic(i)), session.inbox.next(LobbyServerMessage.Queued))));
      arriving.forEach((session, i) => session.room.send(LobbyClientMessage.Match, topic(i)));
      const matched = await Promise.all(sessions.map((session) => session.inbox.next<Matched>(LobbyServerMessage.Matched, 60_000)));
      arriving.forEach((session, i) => assert.equal(matched[pairs + i]!.matchedUser.id, waiting[i]!.user.id));
      const hostOfChat = new Map(matched.map((m) => [m.roomId, cluster!.hostOf(m.reservation).address]));
      assert.equal(hostOfChat.size, pairs);
      const onFirst = [...hostOfChat.values()].filter((address) => address === first.address).length;
      // Each chat goes to either process at random: 8 or fewer of 40 on one has odds below 1 in 10,000.
      assert.ok(onFirst > 8 && onFirst < pairs - 8, `${onFirst} of ${pairs} chats on the process whose users waited (half would be even)`);
    } finally {
      await Promise.all(sessions.map((session) => session.room.leave().catch(() => undefined)));
    }
  });

  it("seats a user in a lobby on the process they asked, without a pub/sub request between processes", async () => {
    cluster = await startCluster(2);
    const members = cluster.members;
    const users = await Promise.all(Array.from({ length: 8 }, (_, i) => newUser(members[i % 2]!.baseUrl)));
    const sessions: LobbySession[] = [];
    const hosts: string[] = [];
    const enter = async (user: (typeof users)[number]) => {
      const { data } = await user.client.http.post("/matchmake/joinOrCreate/lobby", { body: {} });
      const reservation = data as unknown as { publicAddress: string };
      hosts.push(reservation.publicAddress);
      sessions.push({ user, room: await user.client.consumeSeatReservation(reservation as never), inbox: undefined as never });
    };
    const connection = cluster.redis.client();
    try {
      for (const user of users.slice(0, 2)) await enter(user); // each process opens its lobby
      const monitor = await connection.monitor();
      const pubsub: string[] = [];
      monitor.on("monitor", (_time: string, args: string[]) => {
        const command = String(args[0]).toLowerCase();
        if (command === "publish" || command === "subscribe") pubsub.push(`${command} ${String(args[1])}`);
      });
      for (const user of users.slice(2)) await enter(user);
      await new Promise((resolve) => setTimeout(resolve, 200));
      monitor.disconnect();
      assert.deepEqual(hosts, users.map((_, i) => members[i % 2]!.address), "each lobby is on the process its user talks to");
      assert.deepEqual(pubsub, [], "no request crossed processes");
    } finally {
      connection.disconnect();
      await Promise.all(sessions.map((session) => session.room.leave().catch(() => undefined)));
    }
  });

  it("tells the two users of a match made on their lobby's process without a PUBLISH", async () => {
    cluster = await startCluster(1);
    const users = await Promise.all([0, 1].map(() => newUser(cluster!.members[0]!.baseUrl)));
    const sessions = await Promise.all(users.map((user) => enterLobby(user)));
    const connection = cluster.redis.client();
    try {
      const monitor = await connection.monitor();
      const published: string[] = [];
      monitor.on("monitor", (_time: string, args: string[]) => {
        if (String(args[0]).toLowerCase() === "publish") published.push(String(args[1]));
      });
      const matched = await Promise.all(sessions.map((session) => askForMatch(session)));
      monitor.disconnect();
      assert.equal(matched[0]!.roomId, matched[1]!.roomId);
      assert.deepEqual(published.filter((channel) => channel.startsWith("pairline:lobby:")), []);
    } finally {
      connection.disconnect();
      await Promise.all(sessions.map((session) => session.room.leave().catch(() => undefined)));
    }
  });

  it("seats joins that reach two processes at once, neither with a lobby yet, each on the process asked", async () => {
    cluster = await startCluster(2);
    const members = cluster.members;
    const users = await Promise.all(Array.from({ length: 40 }, (_, i) => newUser(members[i % 2]!.baseUrl)));
    const reservations = await Promise.all(
      users.map(async (user) => (await user.client.http.post("/matchmake/joinOrCreate/lobby", { body: {} })).data as unknown as { publicAddress: string }),
    );
    assert.deepEqual(
      reservations.map((reservation) => reservation.publicAddress),
      users.map((_, i) => members[i % 2]!.address),
    );
  });
});

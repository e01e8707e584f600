import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { BotStats } from "./bot-stats.ts";
import { Bot, type Backoff } from "./bot.ts";
import { CallScript } from "./call-script.ts";
import { epochMs } from "./clock.ts";
import type { Command, FleetStatus, LoopLag, Reply, Stranded } from "./commands.ts";
import type { Connector } from "./link.ts";

const SEND_TICK_MS = 5;
const CHURN_TICK_MS = 20;
/** A bot that fell behind its schedule sends at most this many at once; the rest count as missed. */
const MAX_CATCH_UP = 3;
const POLL_MS = 50;
const STALL_MS = 3000;

/** The bots of one worker process, run by the coordinator's commands. */
export class BotFleet {
  readonly #connector: Connector;
  readonly #stats = new BotStats();
  readonly #calls = new CallScript();
  readonly #bots: Bot[] = [];
  readonly #lag = monitorEventLoopDelay({ resolution: 10 });
  readonly #retry?: Backoff;

  /** `retry`: bots whose way back to the next stranger fails try again after a backoff (see `BotOptions.retry`). */
  constructor(connector: Connector, retry?: Backoff) {
    this.#connector = connector;
    this.#retry = retry;
    this.#lag.enable();
  }

  async run(command: Command): Promise<Reply> {
    switch (command.op) {
      case "connect":
        return { op: "connect", ...(await this.#connect(command.count, command.perSecond, command.match, command.keepLobby)) };
      case "matchAll":
        return { op: "matchAll", ...(await this.#matchAll(command.atEpochMs, command.timeoutMs)) };
      case "awaitPairs":
        await this.#until(() => this.status().waiting === 0, command.timeoutMs);
        return { op: "awaitPairs", status: this.status() };
      case "chat":
        return { op: "chat", ...(await this.#chat(command.window, command.perSecond, command.durationMs, command.length)) };
      case "call":
        return { op: "call", ...(await this.#call(command.timeoutMs)) };
      case "skip":
        return { op: "skip", ...(await this.#skip(command.fraction, command.timeoutMs)) };
      case "churn":
        return { op: "churn", ...(await this.#churn(command.periodMs, command.durationMs, command.timeoutMs)) };
      case "drop":
        return { op: "drop", ...(await this.#drop(command.fraction, command.timeoutMs)) };
      case "status":
        return { op: "status", status: this.status() };
      case "take":
        return { op: "take", stats: this.#stats.take(), lag: this.#takeLag() };
      case "close":
        await Promise.all(this.#bots.map((bot) => bot.close()));
        this.#connector.close();
        return { op: "close", status: this.status() };
    }
  }

  /** The bots themselves, for a coordinator that runs the fleet in its own process. */
  get bots(): readonly Bot[] {
    return this.#bots;
  }

  status(): FleetStatus {
    const status: FleetStatus = { bots: this.#bots.length, lobby: 0, waiting: 0, chatting: 0, closed: 0 };
    for (const bot of this.#bots) if (bot.state !== "new") status[bot.state] += 1;
    return status;
  }

  async #connect(count: number, perSecond: number, match: boolean, keepLobby: boolean): Promise<{ connected: number; failed: number }> {
    const startedAt = performance.now();
    const attempts: Array<Promise<boolean>> = [];
    for (let i = 0; i < count; i++) {
      const due = startedAt + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const bot = new Bot(this.#connector, this.#stats, this.#calls, { keepLobby, retry: this.#retry });
      this.#bots.push(bot);
      attempts.push(bot.connect().then((ok) => {
        if (ok && match) bot.requestMatch();
        return ok;
      }));
    }
    const results = await Promise.all(attempts);
    const connected = results.filter(Boolean).length;
    return { connected, failed: count - connected };
  }

  async #matchAll(atEpochMs: number, timeoutMs: number): Promise<{ requested: number; matched: number; lastSeatedAt: number }> {
    const ready = this.#bots.filter((bot) => bot.state === "lobby");
    const wait = atEpochMs - epochMs();
    if (wait > 0) await sleep(wait);
    for (const bot of ready) bot.requestMatch();
    await this.#until(() => ready.every((bot) => bot.state !== "waiting"), timeoutMs);
    const seated = ready.filter((bot) => bot.state === "chatting");
    return { requested: ready.length, matched: seated.length, lastSeatedAt: Math.max(0, ...seated.map((bot) => bot.seatedAt)) };
  }

  async #chat(window: number, perSecond: number, durationMs: number, length: number): Promise<{ sent: number; missed: number }> {
    const period = 1000 / perSecond;
    const counters = this.#stats.window(window);
    const start = performance.now();
    for (const bot of this.#bots) bot.nextSendAt = start + Math.random() * period;
    const tick = () => {
      const now = performance.now();
      for (const bot of this.#bots) {
        if (bot.state !== "chatting") continue;
        let burst = 0;
        while (bot.nextSendAt <= now) {
          bot.nextSendAt += period;
          if (burst++ >= MAX_CATCH_UP) counters.missed += 1;
          else if (bot.sendText(window, length)) counters.sent += 1;
        }
      }
    };
    const sentBefore = counters.sent;
    const missedBefore = counters.missed;
    const timer = setInterval(tick, SEND_TICK_MS);
    await sleep(durationMs);
    clearInterval(timer);
    return { sent: counters.sent - sentBefore, missed: counters.missed - missedBefore };
  }

  async #call(timeoutMs: number): Promise<{ started: number; finished: number }> {
    const callers = this.#bots.filter((bot) => bot.state === "chatting" && bot.callsFirst);
    for (const bot of callers) bot.startCall();
    await this.#until(() => callers.every((bot) => !bot.calling), timeoutMs);
    return { started: callers.length, finished: callers.filter((bot) => !bot.calling).length };
  }

  async #skip(fraction: number, timeoutMs: number): Promise<{ started: number; finished: number }> {
    const skippers = this.#pick(fraction);
    for (const bot of skippers) bot.skip();
    const rematching = () => this.#bots.filter((bot) => bot.rematching).length;
    // Pairline never pairs two who just left each other: in a small crowd the last ones may wait for good.
    await this.#until(() => rematching() === 0, timeoutMs, rematching);
    return { started: skippers.length, finished: skippers.filter((bot) => !bot.rematching).length };
  }

  async #churn(periodMs: number, durationMs: number, timeoutMs: number): Promise<{ skips: number; unfinished: Stranded[] }> {
    const startedAt = epochMs();
    // Pairs seated before the start skip at a random point of their first period, so that skips are spread evenly from the start.
    const firstSkipAt = new Map<Bot, number>();
    const dueAt = (bot: Bot) => {
      if (bot.seatedAt >= startedAt) return bot.seatedAt + periodMs;
      let due = firstSkipAt.get(bot);
      if (due === undefined) firstSkipAt.set(bot, (due = startedAt + Math.random() * periodMs));
      return due;
    };
    let skips = 0;
    const tick = () => {
      const now = epochMs();
      for (const bot of this.#bots) {
        if (bot.state !== "chatting" || bot.rematching || !bot.callsFirst || now < dueAt(bot)) continue;
        bot.skip();
        skips += 1;
      }
    };
    const timer = setInterval(tick, CHURN_TICK_MS);
    await sleep(durationMs);
    clearInterval(timer);
    const rematching = () => this.#bots.filter((bot) => bot.rematching).length;
    await this.#until(() => rematching() === 0, timeoutMs, rematching);
    const unfinished = this.#bots.filter((bot) => bot.rematching).map((bot) => ({ userId: bot.identity?.userId ?? "", lastPartnerId: bot.lastPartnerId }));
    return { skips, unfinished };
  }

  async #drop(fraction: number, timeoutMs: number): Promise<{ started: number; finished: number }> {
    const droppers = this.#pick(fraction);
    for (const bot of droppers) bot.drop();
    await this.#until(() => droppers.every((bot) => !bot.dropped), timeoutMs);
    return { started: droppers.length, finished: droppers.filter((bot) => !bot.dropped).length };
  }

  /** Chatting bots that open their pair's call, so that one side per pair acts. */
  #pick(fraction: number): Bot[] {
    const candidates = this.#bots.filter((bot) => bot.state === "chatting" && bot.callsFirst);
    return candidates.slice(0, Math.round(candidates.length * fraction));
  }

  /** Polls until `condition` holds or time is up; with `progress`, also gives up once it stops changing for a while. */
  async #until(condition: () => boolean, timeoutMs: number, progress?: () => number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let last = progress?.();
    let changedAt = performance.now();
    while (!condition() && performance.now() < deadline) {
      await sleep(POLL_MS);
      if (!progress) continue;
      const now = progress();
      if (now !== last) [last, changedAt] = [now, performance.now()];
      else if (performance.now() - changedAt > STALL_MS) return;
    }
  }

  #takeLag(): LoopLag {
    const ms = (ns: number) => ns / 1e6;
    const lag = { p50: ms(this.#lag.percentile(50)), p99: ms(this.#lag.percentile(99)), max: ms(this.#lag.max) };
    this.#lag.reset();
    return lag;
  }
}

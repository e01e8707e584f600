import { TARGET_TITLES, type TargetName } from "../../targets/launch.ts";
import { probeHotPath, type HotPathSizes } from "../hot-path-probe.ts";
import type { BenchOptions } from "../options.ts";
import type { LobbyFlow, Plan } from "../plan.ts";
import { say } from "../progress.ts";
import type { HotPathRun } from "../results.ts";
import { skipReason } from "../skip-reason.ts";

/** The targets (k) compares: Pairline on either runtime and the engine alone, all driven by `@colyseus/sdk`. */
export const HOT_PATH_TARGETS: readonly TargetName[] = ["pairline", "pairline-bun", "bare-colyseus"];

function hotPathSizes(plan: Plan): Omit<HotPathSizes, "keepLobby"> {
  const { clients, joinsPerSecond, perClient, idleMs, warmupMs, chatMs } = plan.hotPath;
  return { clients, joinsPerSecond, perClient, idleMs, warmupMs, chatMs, messageLength: plan.messageLength };
}

/**
 * The targets in the order a round runs them: as given in odd rounds (baselines first, as in the
 * other scenarios), reversed in even ones, so that a load that grows or falls over the
 * scenario does not always favour the same target.
 */
export function roundOrder<T>(targets: readonly T[], round: number): T[] {
  return round % 2 === 1 ? [...targets] : [...targets].reverse();
}

/**
 * (k): server CPU per join and per relayed message, round after round; in each round
 * every target is started fresh in turn (see `roundOrder`), in each client flow, so that the
 * targets' figures of a round were taken minutes apart on the same machine.
 */
export async function runHotPath(options: BenchOptions): Promise<HotPathRun[]> {
  const { plan } = options;
  const sizes = hotPathSizes(plan);
  const targets = [...options.targets].reverse().filter((t) => HOT_PATH_TARGETS.includes(t));
  const runs = new Map<string, HotPathRun>();
  const runOf = (target: TargetName, flow: LobbyFlow): HotPathRun => {
    const key = `${target}/${flow}`;
    const run = runs.get(key) ?? { kind: "hot-path", target, processes: 1, ...(flow === "keep" ? { keepLobby: true } : {}), commands: [], baseRssBytes: 0, serverProblems: 0, sizes, rounds: [] };
    runs.set(key, run);
    return run;
  };
  for (let round = 1; round <= plan.hotPath.rounds; round++) {
    for (const flow of plan.flows) {
      // Which way the bots hold the lobby costs Pairline the same on either runtime: Bun runs the default flow only.
      for (const target of roundOrder(flow === "keep" ? targets.filter((t) => t !== "pairline-bun") : targets, round)) {
        const run = runOf(target, flow);
        if (run.skipped) continue;
        const label = `(k) hot-path round ${round}/${plan.hotPath.rounds}, ${TARGET_TITLES[target]}${flow === "keep" ? ", lobby kept open" : ""}`;
        say(label);
        try {
          const { sample, commands, baseRssBytes } = await probeHotPath({ name: target, root: options.pairlineRoot }, { ...sizes, keepLobby: flow === "keep" });
          run.rounds.push({ round, ...sample });
          run.commands = commands;
          run.baseRssBytes = baseRssBytes;
          run.serverProblems += sample.serverProblems;
          say(`  join ${(sample.joinUs / 1000).toFixed(2)} ms (server ${sample.joinCpu.server.toFixed(0)}%), message ${sample.messageUs.toFixed(1)} µs (server ${sample.chatCpu.server.toFixed(0)}%); ${sample.paired} paired, ${sample.failed} failed; load ${sample.loadAverage.toFixed(1)}`);
        } catch (error) {
          run.skipped = skipReason(error).slice(0, 300);
          say(`  skipped: ${run.skipped}`);
        }
      }
    }
  }
  return [...runs.values()];
}

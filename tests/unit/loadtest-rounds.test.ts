import assert from "node:assert/strict";
import { median, ratiosByRound, spreadOf } from "../../loadtest/metrics/rounds.ts";
import { hotPathMethod, hotPathSection, hotPathSummaryRows } from "../../loadtest/report/hot-path-section.ts";
import type { HotPathRound, HotPathRun } from "../../loadtest/run/results.ts";
import { roundOrder } from "../../loadtest/run/scenarios/hot-path.ts";
import type { TargetName } from "../../loadtest/targets/launch.ts";

const cpu = { server: 50, generator: 40, other: 10, machine: 100 };
const SIZES = { clients: 1000, joinsPerSecond: 100, perClient: 5, idleMs: 2000, warmupMs: 1000, chatMs: 3500, messageLength: 64 };

function roundOf(round: number, messageUs: number, joinUs: number): HotPathRound {
  return { round, messageUs, joinUs, joined: 1000, failed: 0, paired: 1000, idleUsPerRoomSecond: 100, sent: 17_500, missed: 0, joinCpu: cpu, chatCpu: cpu, loadAverage: 2, serverProblems: 0 };
}

function runOf(target: TargetName, rounds: HotPathRound[], keepLobby = false): HotPathRun {
  return { kind: "hot-path", target, processes: 1, ...(keepLobby ? { keepLobby } : {}), commands: [], baseRssBytes: 0, serverProblems: 0, sizes: SIZES, rounds };
}

/** The summary's columns: figure, goal, the four targets, Pairline ÷ bare Colyseus, Bun ÷ Node, verdict. */
const column = { pairline: 2, bareColyseus: 4, ratio: 6, bun: 7, met: 8 };

describe("load-test rounds", () => {
  it("the median of an odd number of rounds is the middle one, of an even number the mean of the middle two", () => {
    assert.equal(median([30, 10, 20]), 20);
    assert.equal(median([40, 10, 30, 20]), 25);
    assert.equal(median([]), undefined);
    assert.deepEqual(spreadOf([38.7, 45.1, 34.0]), { median: 38.7, min: 34.0, max: 45.1, rounds: 3 });
  });

  it("rounds alternate the order of the targets, so that a drifting load favours none of them", () => {
    const targets = ["bare-colyseus", "pairline"];
    assert.deepEqual([1, 2, 3, 4].map((round) => roundOrder(targets, round)), [
      ["bare-colyseus", "pairline"],
      ["pairline", "bare-colyseus"],
      ["bare-colyseus", "pairline"],
      ["pairline", "bare-colyseus"],
    ]);
    assert.deepEqual(targets, ["bare-colyseus", "pairline"]);
  });

  it("a ratio is taken within each round, and a round only one target has is left out", () => {
    const a = new Map([[1, 60], [2, 90], [3, 50]]);
    const b = new Map([[1, 50], [3, 100]]);
    assert.deepEqual(ratiosByRound(a, b), [1.2, 0.5]);
  });

  it("the goal is judged on the median of the per-round ratios, not on the ratio of the medians", () => {
    // Medians 100 against 100 (1.00×), but per round 2.00×, 1.30× and 0.55×: median 1.30×, over the goal.
    const runs = [
      runOf("pairline", [roundOf(1, 100, 4000), roundOf(2, 130, 5000), roundOf(3, 60, 4500)]),
      runOf("bare-colyseus", [roundOf(1, 50, 4000), roundOf(2, 100, 4200), roundOf(3, 110, 4400)]),
    ];
    const [message, join] = hotPathSummaryRows(runs, false);
    assert.match(message![0]!, /relayed message at 1,000 clients × 5 msg\/s, median of 3 interleaved rounds/);
    assert.equal(message![column.pairline], "100.0 µs (60.0–130.0)");
    assert.equal(message![column.bareColyseus], "100.0 µs (50.0–110.0)");
    assert.equal(message![column.ratio], "1.30× (0.55–2.00)");
    assert.equal(message![column.met], "no");
    // Per round 1.00×, 1.19× and 1.02×: median 1.02×.
    assert.equal(join![column.ratio], "1.02× (1.00–1.19)");
    assert.equal(join![column.met], "**yes**");
    assert.equal(join![column.bun], "–");
  });

  it("each flow's rows come from that flow's runs only, and Pairline on Bun is compared with Pairline on Node", () => {
    const runs = [
      runOf("pairline", [roundOf(1, 40, 4000), roundOf(2, 44, 4000)]),
      runOf("pairline-bun", [roundOf(1, 20, 2000), roundOf(2, 33, 3000)]),
      runOf("bare-colyseus", [roundOf(1, 40, 4000), roundOf(2, 40, 4000)]),
      runOf("pairline", [roundOf(1, 80, 8000)], true),
      runOf("bare-colyseus", [roundOf(1, 40, 4000)], true),
    ];
    const [leave] = hotPathSummaryRows(runs, false);
    const [keep] = hotPathSummaryRows(runs, true);
    assert.equal(leave![column.ratio], "1.05× (1.00–1.10)");
    assert.equal(leave![column.bun], "0.63× (0.50–0.75)");
    assert.equal(keep![column.ratio], "2.00×");
    assert.match(keep![0]!, /median of 1 interleaved round$/);
  });

  it("the report shows every round with the machine's load and the bots' missed sends beside the median, and names a target that could not run", () => {
    const runs = [
      runOf("pairline", [roundOf(1, 45.1, 4000), roundOf(2, 38.7, 4000), roundOf(3, 34.0, 4000)]),
      runOf("bare-colyseus", [roundOf(1, 42.9, 4000), roundOf(2, 33.3, 4000), { ...roundOf(3, 41.7, 4000), missed: 1234 }]),
      { ...runOf("pairline-bun", []), skipped: "bun: not found" },
    ];
    const section = hotPathSection(runs);
    assert.match(section, /\| 2 \| 2\.0–2\.0 \| 38\.7 µs \(server 50%, other 10%\) \| 33\.3 µs \(server 50%, other 10%\) \| 1\.16× \|/);
    assert.match(section, /\| \*\*median\*\* \|  \| \*\*38\.7 µs \(34\.0–45\.1\)\*\* \| \*\*41\.7 µs \(33\.3–42\.9\)\*\* \| \*\*1\.05× \(0\.82–1\.16\)\*\* \|/);
    // bots that fell behind their sending rate are shown beside the round they weakened
    assert.match(section, /\| 3 \| 2\.0–2\.0 \| 34\.0 µs \(server 50%, other 10%\) \| 41\.7 µs \(server 50%, other 10%, 1,234 sends missed\) \|/);
    assert.match(section, /Pairline on Bun not run: bun: not found/);
  });

  it("the Method states the sizes the runs had, and says nothing of (k) when it did not run", () => {
    const [bullet] = hotPathMethod([runOf("pairline", [roundOf(1, 40, 4000)])]);
    assert.match(bullet!, /1,000 clients join at 100 joins\/s/);
    assert.match(bullet!, /5 messages\/s of 64 characters .* for 1 s of warm-up, then 3\.5 s measured/);
    assert.deepEqual(hotPathMethod([]), []);
  });
});

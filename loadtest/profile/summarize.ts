/**
 * Prints where a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --profile`)
 * spent its time: the top functions by self time, and by total time (self plus
 * callees), each with its share of the busy (non-idle) samples.
 *
 *   node loadtest/profile/summarize.ts <file.cpuprofile> [--top 30] [--filter text] [--callers text] [--timeline] [--window from:to]
 *
 * `--by-module` sums self time by npm package, project folder or Node module instead.
 * `--callers` lists, for the functions whose label contains the text, the chains of
 * callers their self time came from. `--timeline` prints busy time per half second,
 * and `--window <from>:<to>` (seconds since the profile started) keeps only the
 * samples of that stretch, e.g. one measured phase of a run.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Sample times in seconds since the profile started. */
function sampleTimes(profile: Profile): number[] {
  let at = 0;
  return profile.timeDeltas.map((delta) => (at += delta) / 1e6);
}

/** The same profile with only the samples taken between `from` and `to` seconds. */
export function slice(profile: Profile, from: number, to: number): Profile {
  const times = sampleTimes(profile);
  const keep = times.map((t) => t >= from && t < to);
  return { ...profile, samples: profile.samples.filter((_, i) => keep[i]), timeDeltas: profile.timeDeltas.filter((_, i) => keep[i]) };
}

/** Busy (not idle) milliseconds per half second. */
export function timeline(profile: Profile): string {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  const buckets = new Map<number, number>();
  const times = sampleTimes(profile);
  profile.samples.forEach((id, i) => {
    if (idle.has(id)) return;
    const bucket = Math.floor(times[i]! * 2) / 2;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([t, ms]) => `${t.toFixed(1).padStart(6)} s  ${"#".repeat(Math.round(ms / 10))} ${ms.toFixed(0)} ms`).join("\n");
}

const IDLE = new Set(["(idle)", "(program)", "(garbage collector)"]);

function label(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace("file://", "");
  const where = file.includes("node_modules/")
    ? file.slice(file.lastIndexOf("node_modules/") + 13)
    : file.startsWith(root) ? path.relative(root, file) : file || "native";
  return `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
}

const CALLER_DEPTH = 12;

/** Self time of the matching functions, by the chain of callers above them. */
export function callers(profile: Profile, root: string, top: number, match: string): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const chains = new Map<string, number>();
  let matched = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    if (!label(node, root).includes(match)) return;
    const us = profile.timeDeltas[i] ?? 0;
    matched += us;
    const chain: string[] = [];
    for (let at = parent.get(id); at !== undefined && chain.length < CALLER_DEPTH; at = parent.get(at)) chain.push(label(byId.get(at)!, root));
    const key = chain.join("\n      ← ");
    chains.set(key, (chains.get(key) ?? 0) + us);
  });
  const rows = [...chains.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([chain, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms  ← ${chain}`);
  return [`"${match}": ${(matched / 1000).toFixed(0)} ms of self time, by caller:`, ...rows].join("\n");
}

/**
 * Where a function lives, coarsely: its npm package, its folder of this project (`src/auth`,
 * `rooms`), Node's internal module (`node:crypto`), or, for native code, the native
 * function itself (`writev`, the garbage collector).
 */
function moduleOf(node: ProfileNode, root: string): string {
  const { functionName, url } = node.callFrame;
  const file = url.replace("file://", "");
  if (file.includes("node_modules/")) {
    const [first, second] = file.slice(file.lastIndexOf("node_modules/") + 13).split("/");
    return first!.startsWith("@") ? `${first}/${second}` : first!;
  }
  if (file.startsWith(root)) {
    const parts = path.relative(root, file).split("/");
    return parts.length > 2 ? parts.slice(0, 2).join("/") : parts[0]!;
  }
  if (file.startsWith("node:")) return file.replace(/^node:(internal\/)?/, "node:").split("/")[0]!;
  return file ? "other" : `native ${functionName}`;
}

/** Self time summed by module (see `moduleOf`), with each one's share of the busy time. */
export function byModule(profile: Profile, root: string, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const modules = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    if (IDLE.has(node.callFrame.functionName) && node.callFrame.functionName !== "(garbage collector)") return;
    const us = profile.timeDeltas[i] ?? 0;
    busy += us;
    const key = moduleOf(node, root);
    modules.set(key, (modules.get(key) ?? 0) + us);
  });
  const rows = [...modules.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, us]) => `${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  return [`busy ${(busy / 1000).toFixed(0)} ms, self time by module:`, ...rows].join("\n");
}

export function summarize(profile: Profile, root: string, top: number, filter?: string): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  let busy = 0;
  let gc = 0;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === "(garbage collector)") gc += us;
    if (IDLE.has(name) && name !== "(garbage collector)") continue;
    busy += us;
    const key = label(node, root);
    self.set(key, (self.get(key) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = label(byId.get(at)!, root);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  }
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .filter(([k]) => !filter || k.includes(filter))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`)
      .join("\n");
  return [
    `busy ${(busy / 1000).toFixed(0)} ms (garbage collection ${(gc / 1000).toFixed(0)} ms, ${((100 * gc) / Math.max(1, busy)).toFixed(1)}%)`,
    "",
    "self time:",
    rows(self),
    "",
    "total time (self + callees):",
    rows(total),
  ].join("\n");
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: "string", default: "30" },
      filter: { type: "string" },
      callers: { type: "string" },
      timeline: { type: "boolean", default: false },
      window: { type: "string" },
      "by-module": { type: "boolean", default: false },
    },
  });
  if (positionals.length === 0) {
    console.error("usage: node loadtest/profile/summarize.ts <file.cpuprofile> [--top 30] [--filter text] [--callers text] [--timeline] [--window from:to] [--by-module]");
    process.exit(1);
  }
  const root = path.resolve(import.meta.dirname, "../..");
  for (const file of positionals) {
    console.log(`# ${file}`);
    let profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
    if (values.window) {
      const [from, to] = values.window.split(":").map(Number);
      profile = slice(profile, from ?? 0, to ?? Infinity);
    }
    if (values.timeline) {
      console.log(timeline(profile));
      continue;
    }
    if (values["by-module"]) console.log(byModule(profile, root, Number(values.top)));
    else console.log(values.callers ? callers(profile, root, Number(values.top), values.callers) : summarize(profile, root, Number(values.top), values.filter));
  }
}

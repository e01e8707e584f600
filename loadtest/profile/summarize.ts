/**
 * Prints where a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --profile`)
 * spent its time: the top functions by self time, and by total time (self plus
 * callees), each with its share of the busy (non-idle) samples.
 *
 *   node loadtest/profile/summarize.ts <file.cpuprofile> [--top 30] [--filter text]
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

const IDLE = new Set(["(idle)", "(program)", "(garbage collector)"]);

function label(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace("file://", "");
  const where = file.includes("node_modules/")
    ? file.slice(file.lastIndexOf("node_modules/") + 13)
    : file.startsWith(root) ? path.relative(root, file) : file || "native";
  return `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
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
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "30" }, filter: { type: "string" } } });
  if (positionals.length === 0) {
    console.error("usage: node loadtest/profile/summarize.ts <file.cpuprofile> [--top 30] [--filter text]");
    process.exit(1);
  }
  const root = path.resolve(import.meta.dirname, "../..");
  for (const file of positionals) {
    console.log(`# ${file}`);
    console.log(summarize(JSON.parse(fs.readFileSync(file, "utf8")) as Profile, root, Number(values.top), values.filter));
  }
}

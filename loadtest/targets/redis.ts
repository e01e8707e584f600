import { supervise, whenReady, type Supervised } from "./child-process.ts";
import { freePort } from "../../tests/helpers/process.ts";

export interface RunningRedis {
  url: string;
  process: Supervised;
  command: string;
}

/** A private Redis for one scenario: its own port, nothing persisted, stopped with the scenario. */
export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"];
  const process = supervise("redis-server", args, {});
  await whenReady(process, 10_000, /Ready to accept connections/);
  return { url: `redis://127.0.0.1:${port}`, process, command: `redis-server ${args.map((a) => (a === "" ? '""' : a)).join(" ")}` };
}

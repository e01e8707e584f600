import { execFile, spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Every namespace of a test network is named `pln<pid>-<host>`: the pid tells whether its run is still alive. */
const NAMESPACE_PATTERN = /^pln(\d+)-/;
const SUBNET = "10.77.0";

export interface Host {
  name: string;
  namespace: string;
  ip: string;
}

/**
 * A private network of hosts, each a network namespace with one veth link into a
 * switch (a bridge in its own namespace). Nothing is attached to the machine's own
 * namespace: what the hosts say to each other stays between them.
 */
export class TestNetwork {
  readonly prefix: string;
  readonly hosts = new Map<string, Host>();
  readonly #switch: string;
  readonly #processes = new Set<ChildProcess>();

  private constructor(prefix: string) {
    this.prefix = prefix;
    this.#switch = `${prefix}-switch`;
  }

  /** Why namespaces cannot be made here, or undefined when they can. */
  static unavailable(): string | undefined {
    if (process.platform !== "linux") return "network namespaces need Linux";
    if (spawnSync("ip", ["-V"]).status !== 0) return "iproute2 is not installed (apt-get install -y iproute2)";
    const probe = `pln${process.pid}-probe`;
    const made = spawnSync("ip", ["netns", "add", probe], { encoding: "utf8" });
    if (made.status !== 0) return `ip netns is not permitted (${made.stderr.trim() || "needs root or CAP_NET_ADMIN"})`;
    spawnSync("ip", ["netns", "del", probe]);
    return undefined;
  }

  /** Removes the namespaces of earlier runs whose process is gone (a crash or a kill -9 leaves them). */
  static async removeLeftovers(): Promise<void> {
    const { stdout } = await run("ip", ["netns", "list"]);
    for (const line of stdout.split("\n")) {
      const name = line.split(" ")[0]!;
      const owner = NAMESPACE_PATTERN.exec(name)?.[1];
      if (owner && !isAlive(Number(owner))) await run("ip", ["netns", "del", name]).catch(() => undefined);
    }
  }

  static async create(hostNames: string[]): Promise<TestNetwork> {
    await TestNetwork.removeLeftovers();
    const network = new TestNetwork(`pln${process.pid}`);
    try {
      await network.#addSwitch();
      for (const [index, name] of hostNames.entries()) await network.#addHost(name, `${SUBNET}.${10 + index}`);
    } catch (error) {
      await network.destroy();
      throw error;
    }
    return network;
  }

  async #addSwitch(): Promise<void> {
    await run("ip", ["netns", "add", this.#switch]);
    await ip(this.#switch, "link", "add", "br0", "type", "bridge");
    await ip(this.#switch, "link", "set", "br0", "up");
  }

  async #addHost(name: string, address: string): Promise<void> {
    const namespace = `${this.prefix}-${name}`;
    await run("ip", ["netns", "add", namespace]);
    await ip(namespace, "link", "set", "lo", "up");
    // Made in the host's namespace, then one end moved to the switch: the machine's namespace never holds either.
    await ip(namespace, "link", "add", "eth0", "type", "veth", "peer", "name", name);
    await ip(namespace, "link", "set", name, "netns", this.#switch);
    await ip(namespace, "addr", "add", `${address}/24`, "dev", "eth0");
    await ip(namespace, "link", "set", "eth0", "up");
    await ip(this.#switch, "link", "set", name, "master", "br0");
    await ip(this.#switch, "link", "set", name, "up");
    this.hosts.set(name, { name, namespace, ip: address });
  }

  host(name: string): Host {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`no host ${name} in the test network`);
    return host;
  }

  /** Cuts (or restores) the host's link at the switch: its processes keep running, and nobody reaches them. */
  async setLink(name: string, up: boolean): Promise<void> {
    this.host(name);
    await ip(this.#switch, "link", "set", name, up ? "up" : "down");
  }

  /** Runs a command inside the host's namespace; it is killed when the network is destroyed. */
  spawn(hostName: string, command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn("ip", ["netns", "exec", this.host(hostName).namespace, command, ...args], options);
    this.#processes.add(child);
    child.once("exit", () => this.#processes.delete(child));
    return child;
  }

  /** Runs a command inside the host's namespace to its end. */
  async exec(hostName: string, command: string, args: string[]): Promise<string> {
    const { stdout } = await run("ip", ["netns", "exec", this.host(hostName).namespace, command, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  }

  /** Kills every process started in the network, then removes its namespaces (and with them every link). */
  async destroy(): Promise<void> {
    await Promise.all([...this.#processes].map(killAndWait));
    const namespaces = [...[...this.hosts.values()].map((host) => host.namespace), this.#switch];
    for (const namespace of namespaces) await run("ip", ["netns", "del", namespace]).catch(() => undefined);
    this.hosts.clear();
  }
}

function ip(namespace: string, ...args: string[]) {
  return run("ip", ["-n", namespace, ...args]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

import { cpuSeconds, machineCpuSeconds } from "./proc-stats.ts";

/** CPU use over an interval, in percent of one core (200% = both cores of a 2-core machine). */
export interface CpuUsage {
  server: number;
  generator: number;
  /** Everything else on the machine: other users' work, the kernel, Redis when it is not counted above. */
  other: number;
  machine: number;
}

export interface ProcessGroups {
  server: number[];
  generator: number[];
}

/** Measures, between `start()` and `stop()`, how much CPU the server and the generator processes used. */
export class CpuMeter {
  readonly #groups: () => ProcessGroups;
  #startedAt = 0;
  #server = 0;
  #generator = 0;
  #machine = { busy: 0, total: 0 };

  constructor(groups: () => ProcessGroups) {
    this.#groups = groups;
  }

  start(): void {
    const { server, generator } = this.#groups();
    this.#startedAt = performance.now();
    this.#server = sum(server.map(cpuSeconds));
    this.#generator = sum(generator.map(cpuSeconds));
    this.#machine = machineCpuSeconds();
  }

  stop(): CpuUsage {
    const { server, generator } = this.#groups();
    const seconds = (performance.now() - this.#startedAt) / 1000;
    const machine = machineCpuSeconds();
    const percent = (cpu: number) => (seconds > 0 ? (100 * cpu) / seconds : 0);
    const serverCpu = percent(sum(server.map(cpuSeconds)) - this.#server);
    const generatorCpu = percent(sum(generator.map(cpuSeconds)) - this.#generator);
    const machineCpu = percent(machine.busy - this.#machine.busy);
    return {
      server: serverCpu,
      generator: generatorCpu,
      other: Math.max(0, machineCpu - serverCpu - generatorCpu),
      machine: machineCpu,
    };
  }
}

const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);

import net from "node:net";

/**
 * A TCP proxy that holds every chunk for a while, each way, in order: a slow link
 * where the kernel has no `tc netem`. Usage: `delay-proxy.ts <listen host> <listen port>
 * <target host> <target port> <delay ms>`. It starts without delay; SIGUSR1 turns the
 * delay on, SIGUSR2 off (chunks already held keep their place in line).
 */
const [listenHost, listenPort, targetHost, targetPort, delayArgument] = process.argv.slice(2);
const configuredDelayMs = Number(delayArgument);
let delayMs = 0;
process.on("SIGUSR1", () => (delayMs = configuredDelayMs));
process.on("SIGUSR2", () => (delayMs = 0));

/** Everything `from` sends reaches `to` `delayMs` later, in the order it was sent; its end too. */
function relayLate(from: net.Socket, to: net.Socket): void {
  const line: Array<{ due: number; chunk: Buffer | "end" }> = [];
  let timer: NodeJS.Timeout | undefined;
  const hold = (chunk: Buffer | "end") => {
    const due = Math.max(Date.now() + delayMs, line.at(-1)?.due ?? 0);
    line.push({ due, chunk });
    if (!timer) deliver();
  };
  const deliver = () => {
    timer = undefined;
    while (line.length > 0 && line[0]!.due <= Date.now()) {
      const { chunk } = line.shift()!;
      if (chunk === "end") to.end();
      else to.write(chunk);
    }
    if (line.length > 0) timer = setTimeout(deliver, line[0]!.due - Date.now());
  };
  from.on("data", hold);
  from.on("end", () => hold("end"));
}

net
  .createServer({ allowHalfOpen: true }, (client) => {
    const server = net.connect({ host: targetHost, port: Number(targetPort), allowHalfOpen: true });
    // An orderly end travels through the line like data; a reset ends both at once.
    const resetBoth = () => {
      client.destroy();
      server.destroy();
    };
    client.on("error", resetBoth);
    server.on("error", resetBoth);
    relayLate(client, server);
    relayLate(server, client);
  })
  .listen(Number(listenPort), listenHost, () => console.log(`delaying ${listenHost}:${listenPort} -> ${targetHost}:${targetPort}`));

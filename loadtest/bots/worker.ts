/**
 * A bot worker process: receives its target over IPC, then runs commands on its
 * fleet one at a time and answers each. Exits with the coordinator.
 */
// First: it decides which WebSocket the SDK picks up when it loads.
import "./sdk-websocket.ts";
import type { FromWorker, TargetAddress, ToWorker } from "./commands.ts";
import { BotFleet } from "./fleet.ts";
import type { Connector } from "./link.ts";
import { sdkConnector } from "./sdk-connector.ts";
import { wsConnector } from "./ws-connector.ts";

// The SDK narrates every reconnection and every closed socket on the console; at thousands of bots that is noise.
console.info = () => undefined;
console.warn = () => undefined;

const reply = (message: FromWorker) => process.send?.(message);

function connectorFor(target: TargetAddress): Connector {
  return target.client === "ws" ? wsConnector(target.endpoints[0]!) : sdkConnector(target.endpoints, target.auth);
}

let fleet: BotFleet | undefined;
let queue = Promise.resolve();

process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
process.on("message", (message: ToWorker) => {
  if ("init" in message) {
    fleet = new BotFleet(connectorFor(message.init));
    reply({ ready: true });
    return;
  }
  const { id, command } = message;
  // Questions about the fleet (status, counters) are answered at once, even while a long command runs; the rest go in order.
  if ((command.op === "status" || command.op === "take") && fleet) {
    void fleet.run(command).then((answer) => reply({ id, reply: answer }));
    return;
  }
  queue = queue.then(async () => {
    try {
      if (!fleet) throw new Error("worker not initialised");
      reply({ id, reply: await fleet.run(command) });
    } catch (error) {
      reply({ id, error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  });
});

import type { Request } from "express";
import { countryOf } from "./geo.ts";
import type { Device, SafetyStore } from "./safety-store.ts";

/** Records the device a request came from (user agent, address and its country) for `userId`, and returns it. */
export async function recordDeviceOf(safety: Pick<SafetyStore, "recordDevice">, req: Request, userId: string, deviceId: string): Promise<Device> {
  const device = {
    userId,
    deviceId,
    userAgent: req.get("user-agent")?.slice(0, 512) ?? null,
    ip: req.ip ?? null,
    country: countryOf(req.ip),
  };
  await safety.recordDevice(device);
  return device;
}

import type { Redis } from "ioredis";

export type Script<R> = (...args: Array<string | number>) => Promise<R>;

/** A Lua script as a function: sent once per connection, then by its hash; one round trip, atomic. */
export function defineScript<R>(redis: Redis, name: string, numberOfKeys: number, lua: string): Script<R> {
  if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
  const command = (redis as unknown as Record<string, Script<R>>)[name]!;
  return (...args) => command.apply(redis, args);
}

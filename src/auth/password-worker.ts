import bcrypt from "bcryptjs";

export type PasswordTask = { op: "hash"; password: string; cost: number } | { op: "compare"; password: string; hash: string };

/** Runs in a worker thread of the password pool: bcrypt's rounds never block the event loop that relays chats. */
export default function run(task: PasswordTask): string | boolean {
  return task.op === "hash" ? bcrypt.hashSync(task.password, task.cost) : bcrypt.compareSync(task.password, task.hash);
}

/**
 * Loaded into every server the benchmark starts (`--import`, or imported by the
 * baselines): when the benchmark goes away, however it ended, the server goes too.
 * The benchmark holds an IPC channel to each server; its end is the signal.
 */
export function exitWithParent(): void {
  if (!process.send) return;
  process.on("disconnect", () => process.exit(0));
  // A channel that is only a lifeline must not keep the process alive by itself.
  process.channel?.unref();
}

exitWithParent();

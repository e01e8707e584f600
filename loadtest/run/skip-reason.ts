/** The line of a failed start that says why: the server's own error message when it printed one. */
export function skipReason(error: unknown): string {
  const lines = String(error instanceof Error ? error.message : error).split("\n").map((l) => l.trim());
  const thrown = lines.find((l) => /^(\w*Error)(\s*\[\w+\])?: /.test(l)) ?? lines.find((l) => l.length > 0) ?? "unknown";
  return thrown.replace(/^\w*Error(\s*\[\w+\])?: /, "");
}

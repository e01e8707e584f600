/** Number formats shared by the report's tables. */
export const int = (n: number) => Math.round(n).toLocaleString("en-US");
export const ms = (n: number) => (n < 10 ? n.toFixed(1) : int(n));
export const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
export const kb = (bytes: number) => (bytes / 1024).toFixed(1);
export const pct = (n: number) => `${n.toFixed(0)}%`;
export const ratio = (a: number, b: number) => (b > 0 && a > 0 ? `${(a / b).toFixed(2)}×` : "–");

/** A Markdown table; cells are already formatted. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

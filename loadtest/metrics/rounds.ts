/** A figure measured over several rounds: the median, and the lowest and highest round. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

/** The median of the values (of the two middle ones, their mean); undefined for none. */
export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function spreadOf(values: number[]): Spread | undefined {
  const middle = median(values);
  if (middle === undefined) return undefined;
  return { median: middle, min: Math.min(...values), max: Math.max(...values), rounds: values.length };
}

/**
 * `a ÷ b` in each round both measured (rounds are numbered; a round one of them missed
 * is left out), so that each ratio compares runs made minutes apart on the same machine.
 */
export function ratiosByRound(a: Map<number, number>, b: Map<number, number>): number[] {
  const ratios: number[] = [];
  for (const [round, value] of a) {
    const other = b.get(round);
    if (other !== undefined && other > 0 && value > 0) ratios.push(value / other);
  }
  return ratios;
}

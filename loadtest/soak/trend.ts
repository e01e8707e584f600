/** At most this many points enter a fit: pairs grow with the square of the points. */
const MAX_POINTS = 400;

/**
 * The Theil–Sen slope of `points` ([x, y]): the median of the slopes between every
 * two points. A garbage collection that drops the heap, or a burst of connections,
 * moves a few of those slopes and not their median, where a least-squares line
 * would follow them.
 */
export function theilSenSlope(points: Array<[number, number]>): number {
  const step = Math.max(1, Math.ceil(points.length / MAX_POINTS));
  const used = points.filter((_, i) => i % step === 0);
  const slopes: number[] = [];
  for (let i = 0; i < used.length; i++) {
    for (let j = i + 1; j < used.length; j++) {
      const [x1, y1] = used[i]!;
      const [x2, y2] = used[j]!;
      if (x2 !== x1) slopes.push((y2 - y1) / (x2 - x1));
    }
  }
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  const middle = slopes.length >> 1;
  return slopes.length % 2 ? slopes[middle]! : (slopes[middle - 1]! + slopes[middle]!) / 2;
}

/**
 * Line charts as plain SVG: one or more panels side by side, each with its own axes,
 * a line per series, and an optional dashed goal line. No dependencies.
 */
export interface Series {
  name: string;
  points: Array<[number, number]>;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** A horizontal reference (e.g. the p99 goal). */
  goal?: { y: number; label: string };
  /** Show y on a log scale (latency over a wide range). */
  logY?: boolean;
}

const PANEL_W = 460;
const PANEL_H = 300;
const MARGIN = { left: 64, right: 16, top: 34, bottom: 46 };
const COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
const LEGEND_H = 26;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Round numbers for axis ticks: 1, 2, 5 × 10^k. */
function niceStep(range: number, ticks: number): number {
  const raw = range / Math.max(1, ticks);
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  const steps = [1, 2, 5, 10].map((m) => m * magnitude);
  return steps.find((s) => s >= raw) ?? raw;
}

function formatTick(v: number): string {
  if (Math.abs(v) >= 1000) return `${+(v / 1000).toFixed(1)}k`;
  if (Math.abs(v) < 10 && v !== Math.round(v)) return v.toFixed(1);
  return String(Math.round(v));
}

function panelSvg(panel: Panel, offsetX: number, colorOf: (name: string) => string): string {
  const all = panel.series.flatMap((s) => s.points);
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y).concat(panel.goal ? [panel.goal.y] : []);
  const xMax = Math.max(1, ...xs);
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  const x = (v: number) => offsetX + MARGIN.left + (v / xMax) * plotW;

  let y: (v: number) => number;
  let yTicks: number[];
  if (panel.logY) {
    const lo = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...ys.filter((v) => v > 0), 1))));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(lo * 10, ...ys)));
    y = (v) => MARGIN.top + plotH - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotH;
    yTicks = [];
    for (let t = lo; t <= hi * 1.0001; t *= 10) yTicks.push(t);
  } else {
    const step = niceStep(Math.max(1, ...ys) * 1.05, 5);
    const yMax = Math.ceil((Math.max(1, ...ys) * 1.05) / step) * step;
    y = (v) => MARGIN.top + plotH - (v / yMax) * plotH;
    yTicks = [];
    for (let t = 0; t <= yMax + step / 2; t += step) yTicks.push(t);
  }
  const xStep = niceStep(xMax, 5);
  const xTicks: number[] = [];
  for (let t = 0; t <= xMax + xStep / 2; t += xStep) if (t <= xMax * 1.0001) xTicks.push(t);

  const parts: string[] = [];
  parts.push(`<text x="${offsetX + PANEL_W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(panel.title)}</text>`);
  for (const t of yTicks) {
    parts.push(`<line x1="${x(0)}" x2="${x(xMax)}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${x(0) - 6}" y="${y(t) + 4}" text-anchor="end" font-size="11">${formatTick(t)}</text>`);
  }
  for (const t of xTicks) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 4}" stroke="#333"/>`);
    parts.push(`<text x="${x(t)}" y="${MARGIN.top + plotH + 17}" text-anchor="middle" font-size="11">${formatTick(t)}</text>`);
  }
  parts.push(`<line x1="${x(0)}" x2="${x(xMax)}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#333"/>`);
  parts.push(`<line x1="${x(0)}" x2="${x(0)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333"/>`);
  parts.push(`<text x="${offsetX + MARGIN.left + plotW / 2}" y="${PANEL_H - 8}" text-anchor="middle" font-size="12">${esc(panel.xLabel)}</text>`);
  parts.push(`<text transform="translate(${offsetX + 16} ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(panel.yLabel)}</text>`);
  if (panel.goal) {
    parts.push(`<line x1="${x(0)}" x2="${x(xMax)}" y1="${y(panel.goal.y)}" y2="${y(panel.goal.y)}" stroke="#555" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${x(xMax) - 4}" y="${y(panel.goal.y) - 5}" text-anchor="end" font-size="11" fill="#555">${esc(panel.goal.label)}</text>`);
  }
  for (const series of panel.series) {
    if (series.points.length === 0) continue;
    const color = colorOf(series.name);
    const d = series.points.map(([px, py], i) => `${i === 0 ? "M" : "L"}${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(" ");
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const [px, py] of series.points) parts.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${color}"/>`);
  }
  return parts.join("\n");
}

/** Panels side by side, one legend for all of them (a series keeps its colour across panels). */
export function chartSvg(panels: Panel[]): string {
  const names = [...new Set(panels.flatMap((p) => p.series.map((s) => s.name)))];
  const colorOf = (name: string) => COLORS[names.indexOf(name) % COLORS.length]!;
  const width = PANEL_W * panels.length;
  const height = PANEL_H + LEGEND_H;
  const legend = names
    .map((name, i) => {
      const lx = 20 + i * 170;
      return `<rect x="${lx}" y="${PANEL_H + 8}" width="14" height="4" fill="${colorOf(name)}"/><text x="${lx + 20}" y="${PANEL_H + 14}" font-size="12">${esc(name)}</text>`;
    })
    .join("\n");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...panels.map((panel, i) => panelSvg(panel, i * PANEL_W, colorOf)),
    legend,
    "</svg>",
    "",
  ].join("\n");
}

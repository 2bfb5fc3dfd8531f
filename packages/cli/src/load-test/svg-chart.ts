/** One line of a chart. */
export interface ChartSeries {
  name: string;
  color: string;
  /** `[x, y]` in data units; points with a null y leave a gap. */
  points: Array<[number, number | null]>;
  dash?: string;
}

/** A line chart: linear or percentile x axis, linear or log y axis. */
export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** `percentile`: x is a percentile (0-100), spread as -log10(1 - p/100) so the tail gets room; 100 plots as "max". */
  x?: "linear" | "percentile";
  y?: "linear" | "log";
  width?: number;
  height?: number;
}

const MARGIN = { top: 34, right: 16, bottom: 42, left: 62 };
/** Where p = 100 (the max) sits on a percentile axis: one decade after 99.999. */
const MAX_DECADES = 6;

/** Escapes text for HTML and SVG. */
export const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const fixed = (n: number): string => (Math.round(n * 10) / 10).toString();

/** A percentile as a position on the percentile axis. */
export function percentileX(p: number): number {
  return p >= 100 ? MAX_DECADES : Math.min(MAX_DECADES - 0.5, -Math.log10(1 - p / 100));
}

/** Round tick values covering [lo, hi] on a linear axis. */
function linearTicks(lo: number, hi: number): number[] {
  const span = hi - lo || 1;
  const step0 = 10 ** Math.floor(Math.log10(span / 5));
  const step = [1, 2, 5, 10].map((m) => m * step0).find((s) => span / s <= 6) ?? step0 * 10;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.round(t * 1e9) / 1e9);
  return ticks;
}

/** 1-2-5 ticks covering [lo, hi] on a log axis. */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** e;
      if (t >= lo * 0.999 && t <= hi * 1.001) ticks.push(Number(t.toPrecision(3)));
    }
  }
  return ticks;
}

const tickLabel = (v: number): string =>
  v >= 1000 ? `${Number((v / 1000).toPrecision(3))}k` : `${Number(v.toPrecision(3))}`;

const PERCENTILE_TICKS: Array<[number, string]> = [
  [0, "0%"],
  [1, "90%"],
  [2, "99%"],
  [3, "99.9%"],
  [4, "99.99%"],
  [5, "99.999%"],
  [MAX_DECADES, "max"],
];

/** Renders the chart as a standalone `<svg>` element (no scripts, no external resources); each point has a tooltip. */
export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 720;
  const height = o.height ?? 300;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const logY = o.y === "log";
  const toX = (x: number): number => (o.x === "percentile" ? percentileX(x) : x);
  const pts = o.series.flatMap((s) => s.points.filter((p): p is [number, number] => p[1] !== null));
  const ys = pts.map((p) => p[1]).filter((y) => !logY || y > 0);
  const xs = pts.map((p) => toX(p[0]));
  const xLo = o.x === "percentile" ? 0 : Math.min(0, ...xs);
  const xHi = o.x === "percentile" ? MAX_DECADES : Math.max(xLo + 1, ...xs);
  let yLo = logY ? Math.min(...ys, 1) : 0;
  let yHi = Math.max(...ys, logY ? yLo * 10 : 1);
  if (logY) {
    yLo = 10 ** Math.floor(Math.log10(yLo));
    yHi = 10 ** Math.ceil(Math.log10(yHi));
  } else yHi *= 1.05;
  const sx = (x: number): number => MARGIN.left + ((toX(x) - xLo) / (xHi - xLo)) * plotW;
  const sy = (y: number): number => {
    const f = logY ? (Math.log10(Math.max(y, yLo)) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo)) : y / yHi;
    return MARGIN.top + plotH - f * plotH;
  };

  const parts: string[] = [
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(o.title)}">`,
    `<text x="${MARGIN.left}" y="16" class="title">${escapeXml(o.title)}</text>`,
  ];
  const yTicks = logY ? logTicks(yLo, yHi) : linearTicks(0, yHi);
  for (const t of yTicks) {
    const y = fixed(sy(t));
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" class="grid"/>`,
      `<text x="${MARGIN.left - 6}" y="${y}" class="tick" text-anchor="end" dominant-baseline="middle">${tickLabel(t)}</text>`,
    );
  }
  const xTicks =
    o.x === "percentile"
      ? PERCENTILE_TICKS.map(([d, label]) => [MARGIN.left + ((d - xLo) / (xHi - xLo)) * plotW, label] as const)
      : linearTicks(xLo, xHi).map((t) => [sx(t), tickLabel(t)] as const);
  for (const [x, label] of xTicks) {
    parts.push(
      `<line x1="${fixed(x)}" x2="${fixed(x)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" class="grid"/>`,
      `<text x="${fixed(x)}" y="${MARGIN.top + plotH + 16}" class="tick" text-anchor="middle">${escapeXml(label)}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" class="frame"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 6}" class="label" text-anchor="middle">${escapeXml(o.xLabel)}</text>`,
    `<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" class="label" text-anchor="middle">${escapeXml(o.yLabel)}</text>`,
  );

  let legendX = width - MARGIN.right;
  for (const s of [...o.series].reverse()) {
    const text = escapeXml(s.name);
    legendX -= 28 + s.name.length * 7;
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 18}" y1="12" y2="12" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`,
      `<text x="${legendX + 22}" y="12" class="legend" dominant-baseline="middle">${text}</text>`,
    );
  }
  for (const s of o.series) {
    const segments: string[][] = [[]];
    const dots: string[] = [];
    for (const [x, y] of s.points) {
      if (y === null || (logY && y <= 0)) {
        if (segments.at(-1)!.length > 0) segments.push([]);
        continue;
      }
      const [px, py] = [fixed(sx(x)), fixed(sy(y))];
      segments.at(-1)!.push(`${px},${py}`);
      const at = o.x === "percentile" ? (x >= 100 ? "max" : `p${x}`) : `${x}`;
      dots.push(
        `<circle cx="${px}" cy="${py}" r="2.5" fill="${s.color}"><title>${escapeXml(s.name)} ${at}: ${y}</title></circle>`,
      );
    }
    for (const seg of segments.filter((g) => g.length > 0)) {
      parts.push(
        `<polyline points="${seg.join(" ")}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`,
      );
    }
    parts.push(...dots);
  }
  if (pts.length === 0) {
    parts.push(
      `<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH / 2}" class="label" text-anchor="middle">no data</text>`,
    );
  }
  parts.push("</svg>");
  return parts.join("\n");
}

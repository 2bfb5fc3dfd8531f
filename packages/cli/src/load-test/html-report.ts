import { describeLag, describeLoad, describeSaturation } from "./format-load-test.js";
import type { LoadTestReport, OperationReport } from "./load-test-report.js";
import { type ChartSeries, escapeXml, lineChart } from "./svg-chart.js";
import { OPERATION_DESCRIPTIONS, type Operation, showMix } from "./workload-mix.js";

/** A colour per operation, the same in every chart. */
const COLORS: Record<Operation | "all" | "lag", string> = {
  read: "#1f77b4",
  profile: "#ff7f0e",
  post: "#2ca02c",
  follow: "#d62728",
  like: "#9467bd",
  all: "#444444",
  lag: "#8c564b",
};

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1180px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 8px 0; } td, th { padding: 3px 10px; text-align: right; border-bottom: 1px solid #eee; }
td:first-child, th:first-child { text-align: left; } th { background: #f6f6f6; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; } dt { color: #666; } dd { margin: 0; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; } .bad { color: #b00020; font-weight: 600; } .note { color: #666; }
svg { background: #fff; border: 1px solid #eee; } svg .grid { stroke: #eee; } svg .frame { fill: none; stroke: #bbb; }
svg text { font: 11px system-ui, sans-serif; fill: #444; } svg .title { font-size: 13px; font-weight: 600; fill: #222; }
svg .label { font-size: 12px; fill: #555; } svg .legend { font-size: 11px; }
`;

const ms = (n: number | null): string =>
  n === null ? "–" : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
const int = (n: number): string => Math.round(n).toLocaleString("en-US");

function operationRow(name: string, r: OperationReport): string {
  const l = r.latencyMs;
  const cells = [
    int(r.offered),
    int(r.completed),
    int(r.errors),
    int(r.unsent),
    int(r.abandoned),
    r.perSecond.toFixed(1),
    ...[l.p50, l.p90, l.p99, l.p999, l.max].map(ms),
  ];
  return `<tr><td>${escapeXml(name)}</td>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
}

/** Per operation: p50, p99 and max latency per time bucket. */
function latencyOverTime(r: LoadTestReport, op: Operation): string {
  const points = r.timeline.points;
  const series = (name: string, pick: "p50" | "p99" | "max", dash?: string): ChartSeries => ({
    name,
    color: pick === "max" ? "#bbbbbb" : COLORS[op],
    points: points.map((p) => [p.t, p.ops[op]?.[pick] ?? null]),
    ...(dash ? { dash } : {}),
  });
  return lineChart({
    title: `${op}: ${OPERATION_DESCRIPTIONS[op]}`,
    xLabel: `seconds into the measured window (${r.timeline.bucketSeconds} s buckets, by intended start)`,
    yLabel: "latency (ms)",
    y: "log",
    width: 570,
    height: 260,
    series: [series("p50", "p50"), series("p99", "p99", "5 3"), series("max", "max", "2 3")],
  });
}

function throughputOverTime(r: LoadTestReport): string {
  const b = r.timeline.bucketSeconds;
  const per = (pick: "offered" | "completed" | "errors") =>
    r.timeline.points.map((p): [number, number] => [p.t, p[pick] / b]);
  return lineChart({
    title: "Throughput: offered (due) vs achieved (completed) per second",
    xLabel: "seconds into the measured window",
    yLabel: "operations / s",
    width: 1150,
    height: 280,
    series: [
      { name: "offered", color: "#999999", points: per("offered"), dash: "6 4" },
      { name: "achieved", color: COLORS.read, points: per("completed") },
      { name: "errors", color: "#b00020", points: per("errors") },
    ],
  });
}

function distributionChart(r: LoadTestReport): string {
  const series: ChartSeries[] = Object.entries(r.operations).map(([op, rep]) => ({
    name: op,
    color: COLORS[op as Operation],
    points: rep.distribution.map((d): [number, number] => [d.percentile, d.ms]),
  }));
  if (r.fanoutLag.visible > 0) {
    series.push({
      name: "fan-out lag",
      color: COLORS.lag,
      points: r.fanoutLag.distribution.map((d): [number, number] => [d.percentile, d.ms]),
      dash: "5 3",
    });
  }
  return lineChart({
    title: "Latency by percentile (coordinated omission corrected)",
    xLabel: "percentile",
    yLabel: "latency (ms)",
    x: "percentile",
    y: "log",
    width: 1150,
    height: 340,
    series,
  });
}

/**
 * The report as one self-contained HTML page: summary, per-operation table, throughput and latency-over-time charts
 * per operation, and percentile-distribution charts, drawn as inline SVG (no scripts, fonts or CDN).
 */
export function htmlReport(r: LoadTestReport, generatedAt: Date = new Date()): string {
  const s = r.saturation;
  const lag = r.fanoutLag;
  const facts: Array<[string, string]> = [
    ["Backends", `source ${r.backends.source}, timelines ${r.backends.timelines}, bus ${r.backends.bus}`],
    [
      "Users",
      `${int(r.users.count)} ${r.users.from === "seeded" ? "(synthetic graph seeded into memory: by this run)" : "from the source of truth"}, Zipf skew ${r.users.skew}, seed ${r.settings.seed}`,
    ],
    ["Load", `${describeLoad(r.settings)}; mix ${showMix(r.settings.mix)}`],
    ["Offered", `${int(r.offered.ops)} ops, ${r.offered.perSecond.toFixed(1)}/s`],
    [
      "Achieved",
      `${int(r.achieved.completed)} ok, ${r.achieved.perSecond.toFixed(1)}/s over ${r.achieved.seconds.toFixed(1)} s; ${int(r.achieved.errors)} errors, ${int(r.achieved.unsent)} unsent, ${int(r.achieved.abandoned)} abandoned`,
    ],
    ["Saturation", describeSaturation(s)],
    ["Fan-out lag", lag.probes === 0 ? "not probed" : describeLag(lag)],
  ];
  const errors =
    r.errors.byCode.length === 0
      ? "<p>None.</p>"
      : `<table><tr><th>code</th><th>count</th><th>example</th></tr>${r.errors.byCode
          .map((e) => `<tr><td>${escapeXml(e.code)}</td><td>${int(e.count)}</td><td>${escapeXml(e.sample)}</td></tr>`)
          .join("")}</table>`;
  const ops = Object.keys(r.operations) as Operation[];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>feed-engine load test, ${escapeXml(generatedAt.toISOString())}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>feed-engine load test</h1>
<p class="note">${escapeXml(generatedAt.toISOString())}. Open loop: each operation's latency runs from the time the schedule said it was due, so a slow response cannot hide the requests queued behind it.</p>
<dl>${facts.map(([k, v]) => `<dt>${escapeXml(k)}</dt><dd${k === "Saturation" && s.saturated ? ' class="bad"' : ""}>${escapeXml(v)}</dd>`).join("")}</dl>
<h2>Operations</h2>
<table>
<tr><th>operation</th><th>offered</th><th>ok</th><th>errors</th><th>unsent</th><th>abandoned</th><th>ok/s</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th></tr>
${Object.entries(r.operations)
  .map(([name, op]) => operationRow(name, op))
  .join("\n")}
${operationRow("all", r.all)}
</table>
<h2>Errors</h2>
${errors}
<h2>Throughput over time</h2>
${throughputOverTime(r)}
<h2>Latency over time</h2>
<div class="charts">
${ops.map((op) => latencyOverTime(r, op)).join("\n")}
</div>
<h2>Latency distribution</h2>
${distributionChart(r)}
<script type="application/json" id="report">${JSON.stringify(r).replace(/</g, "\\u003c")}</script>
</body>
</html>
`;
}

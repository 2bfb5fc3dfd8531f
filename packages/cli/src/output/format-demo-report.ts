import type { DemoReport, LatencySummary } from "../demo/demo-report.js";

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const num = (n: number, digits = 1): string =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;
const ms = (v: number | null): string => (v === null ? "-" : v < 1 ? `${v.toFixed(3)} ms` : `${v.toFixed(2)} ms`);
const latency = (s: LatencySummary, f = ms): string => `p50 ${f(s.p50)}   p99 ${f(s.p99)}   max ${f(s.max)}`;
const wholeMs = (v: number | null): string => (v === null ? "-" : `${v.toFixed(0)} ms`);

/** The demo report as an aligned two-column table, for people (`--json` prints the report itself). */
export function formatDemoReport(r: DemoReport): string {
  const d = r.dataset;
  const source =
    d.kind === "file"
      ? d.path
      : `synthetic power-law graph (users ${int(d.users)}, ${d.celebrities} celebrities followed by ${d.celebrityShares
          .map(pct)
          .join("/")} of users, seed ${d.seed})`;
  const gap = null;
  const rows: Array<[string, string] | null | false> = [
    ["Dataset", source],
    d.kind === "synthetic" && d.fallbackReason !== null && ["", `fell back to synthetic: ${d.fallbackReason}`],
    ["Users", int(r.users)],
    [
      "Follows",
      `${int(r.edges)}${r.selfLoopsSkipped > 0 ? ` (${int(r.selfLoopsSkipped)} self-loops skipped)` : ""}${
        r.badLines > 0 ? ` (${int(r.badLines)} malformed lines skipped)` : ""
      }${r.importSkipped.follows > 0 ? ` (${int(r.importSkipped.follows)} rejected or duplicate)` : ""}`,
    ],
    [
      "Policy",
      `hybrid: pull authors with >= ${int(r.threshold)} followers (${int(r.pulledAccounts)} accounts); skip followers away > 30 days`,
    ],
    ["Threshold rule", r.thresholdRule],
    [
      "Inactive users",
      `${int(r.inactiveUsers)} (${pct(r.inactiveUsers / Math.max(1, r.users))}, last seen 31-365 days ago)`,
    ],
    gap,
    ["Posts", `${int(r.posts)} (${int(r.pulledPosts)} by pulled authors), seed ${r.seed}`],
    ["Reads", `${int(r.reads)} home timeline reads (${int(r.readsPerPost)} per post)`],
    ["Deliveries", `${int(r.deliveries)} timeline writes (${int(r.skippedInactive)} skipped: inactive followers)`],
    ["Per post, hybrid", num(r.deliveriesPerPost)],
    ["Per post, push-all", num(r.pushAllDeliveriesPerPost)],
    ["Saved vs push-all", pct(r.savedShare)],
    gap,
    ["Read latency", latency(r.readLatencyMs)],
    ["Fan-out lag", `${latency(r.fanoutLagMs, wholeMs)}   (post created -> last timeline written, 1 ms steps)`],
    ["Peak memory", `RSS ${num(r.peakRssMb)} MB, heap ${num(r.peakHeapMb)} MB`],
    [
      "Time",
      `load ${num(r.loadSeconds, 2)} s (graph ${num(r.graphSeconds, 2)} s), workload ${num(r.workloadSeconds, 2)} s, total ${num(r.totalSeconds, 2)} s`,
    ],
  ];
  const shown = rows.filter((row) => row !== false);
  const width = Math.max(...shown.map((row) => (row ? row[0].length : 0)));
  return shown.map((row) => (row ? `${row[0].padEnd(width)}  ${row[1]}` : "")).join("\n");
}

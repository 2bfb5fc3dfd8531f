import type { LatencyPercentiles, LoadTestReport, OperationReport } from "./load-test-report.js";
import { showMix } from "./workload-mix.js";

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const rate = (n: number): string => (n >= 100 ? int(n) : n.toFixed(1));
const ms = (n: number | null): string =>
  n === null ? "-" : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);

/** How the load was offered, in words: "200/s for 60 s after a 10 s warm-up". */
export function describeLoad(s: LoadTestReport["settings"]): string {
  const shape = s.shape.kind === "constant" ? `${s.shape.rate}/s` : `ramp ${s.shape.from}/s -> ${s.shape.to}/s`;
  const warmup = s.warmupSeconds > 0 ? ` after a ${s.warmupSeconds} s warm-up` : "";
  return `${shape} for ${s.durationSeconds} s${warmup}, at most ${int(s.maxOutstanding)} outstanding`;
}

/** The saturation verdict in one line. */
export function describeSaturation(s: LoadTestReport["saturation"]): string {
  if (!s.saturated) return `none (peak ${int(s.peakOutstanding)} of ${int(s.maxOutstanding)} outstanding)`;
  const parts = [
    `SATURATED: ${int(s.heldBack)} of ${int(s.scheduled)} ops (warm-up included) held back by ${int(s.maxOutstanding)} outstanding, ${s.heldBackSeconds.toFixed(1)} s in all`,
  ];
  if (s.unsent > 0) parts.push(`${int(s.unsent)} never sent`);
  if (s.abandoned > 0) parts.push(`${int(s.abandoned)} abandoned, still running when the run stopped waiting`);
  return parts.join("; ");
}

/** The fan-out lag probes in one line. */
export function describeLag(lag: LoadTestReport["fanoutLag"]): string {
  const l = lag.latencyMs;
  const misses: Array<[number, string]> = [
    [lag.timedOut, "timed out"],
    [lag.failed, "failed"],
    [lag.noFollower, "found no author with followers"],
    [lag.notStarted, "not started before the end"],
  ];
  const missed = misses.filter(([n]) => n > 0).map(([n, what]) => `${int(n)} ${what}`);
  const shown =
    lag.visible === 0
      ? `none of ${int(lag.probes)} probes saw its post`
      : `${int(lag.visible)} of ${int(lag.probes)} probes: p50 ${ms(l.p50)} ms, p90 ${ms(l.p90)} ms, p99 ${ms(l.p99)} ms, max ${ms(l.max)} ms`;
  return `${shown}${missed.length > 0 ? `; ${missed.join(", ")}` : ""} (post -> on a follower's home timeline)`;
}

/** The latency columns of a row: p50 p90 p99 p99.9 max. */
const latencyCells = (l: LatencyPercentiles): string[] => [l.p50, l.p90, l.p99, l.p999, l.max].map(ms);

const HEADER = ["operation", "offered", "ok", "errors", "ok/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"];

/** A table row; the unfinished column (unsent + abandoned) only when some operation did not finish. */
function row(name: string, r: OperationReport, unfinished: boolean): string[] {
  const counts = [
    int(r.offered),
    int(r.completed),
    int(r.errors),
    ...(unfinished ? [int(r.unsent + r.abandoned)] : []),
  ];
  return [name, ...counts, rate(r.perSecond), ...latencyCells(r.latencyMs)];
}

/** Lays out rows as columns: the first left-aligned, the rest right-aligned. */
export function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  "),
  );
}

/** The report as a table for a terminal. */
export function formatLoadTest(r: LoadTestReport): string {
  const unfinished = r.all.unsent + r.all.abandoned > 0;
  const users =
    r.users.from === "seeded"
      ? `${int(r.users.count)}, a synthetic graph seeded into memory: by this run (${int(r.users.seeded?.follows ?? 0)} follows, ${int(r.users.seeded?.posts ?? 0)} posts)`
      : `${int(r.users.count)} from the source of truth${r.users.capped ? " (capped by --max-users)" : ""}`;
  const lines = [
    `Backends      source ${r.backends.source}, timelines ${r.backends.timelines}, bus ${r.backends.bus}`,
    `Users         ${users}; Zipf skew ${r.users.skew}, seed ${r.settings.seed}`,
    `Load          ${describeLoad(r.settings)}; mix ${showMix(r.settings.mix)}`,
    `Offered       ${int(r.offered.ops)} ops, ${rate(r.offered.perSecond)}/s`,
    `Achieved      ${int(r.achieved.completed)} ok, ${rate(r.achieved.perSecond)}/s over ${r.achieved.seconds.toFixed(1)} s; ${int(r.achieved.errors)} errors, ${int(r.achieved.unsent)} unsent, ${int(r.achieved.abandoned)} abandoned`,
    `Saturation    ${describeSaturation(r.saturation)}`,
    `Send lag      p50 ${ms(r.saturation.sendLagMs.p50)} ms, p99 ${ms(r.saturation.sendLagMs.p99)} ms, max ${ms(r.saturation.sendLagMs.max)} ms (intended -> sent)`,
    "",
    "Latency from each operation's intended start (coordinated omission corrected):",
    ...columns([
      unfinished ? [...HEADER.slice(0, 4), "unfinished", ...HEADER.slice(4)] : HEADER,
      ...Object.entries(r.operations).map(([name, op]) => row(name, op, unfinished)),
      row("all", r.all, unfinished),
    ]).map((line) => `  ${line}`),
    "",
  ];
  if (r.errors.byCode.length === 0) lines.push("Errors        none");
  else {
    lines.push("Errors");
    for (const e of r.errors.byCode) lines.push(`  ${e.code.padEnd(12)} ${int(e.count).padStart(8)}  e.g. ${e.sample}`);
  }
  const lag = r.fanoutLag;
  if (lag.probes > 0) lines.push(`Fan-out lag   ${describeLag(lag)}`);
  lines.push(`Total         ${r.totalSeconds.toFixed(1)} s`);
  return lines.join("\n");
}

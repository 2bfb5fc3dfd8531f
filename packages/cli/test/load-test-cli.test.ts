import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LatencyPercentiles, LoadTestReport } from "../src/load-test/load-test-report.js";
import type { VerifyResult } from "../src/timelines/verify-timelines.js";
import { cli, fileBackends, lastLine } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "feed-engine-load-test-"));

/** p50 <= p90 <= p99 <= p99.9 <= max, all set. */
function expectOrdered(l: LatencyPercentiles): void {
  const values = [l.min, l.p50, l.p90, l.p99, l.p999, l.max];
  expect(values.every((v) => typeof v === "number" && v >= 0)).toBe(true);
  for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
}

/** The report's counts add up, the rate was kept and nothing saturated. */
function expectSane(r: LoadTestReport, rate: number, seconds: number): void {
  expect(r.offered.ops).toBe(rate * seconds);
  expect(r.achieved.completed + r.achieved.errors + r.achieved.unsent + r.achieved.abandoned).toBe(r.offered.ops);
  expect(r.achieved.errors).toBe(0);
  // At a low rate the system keeps up: achieved is the offered rate, less the tail of the last few operations (one
  // 0.7 s hiccup at the end of 3 s on a loaded machine would still pass; a system that cannot keep up would not).
  expect(r.achieved.perSecond).toBeGreaterThan(rate * 0.75);
  expect(r.achieved.perSecond).toBeLessThanOrEqual(rate * 1.02);
  expect(r.saturation).toMatchObject({ saturated: false, heldBack: 0, unsent: 0, abandoned: 0 });
  const ops = Object.values(r.operations);
  expect(ops.reduce((n, op) => n + op.offered, 0)).toBe(r.offered.ops);
  expect(ops.reduce((n, op) => n + op.completed, 0)).toBe(r.achieved.completed);
  for (const op of [...ops, r.all]) {
    expect(op.offered).toBe(op.completed + op.errors + op.unsent + op.abandoned);
    expect(op.latencyMs.count).toBe(op.completed + op.unsent + op.abandoned);
    if (op.completed > 0) expectOrdered(op.latencyMs);
    const ms = op.distribution.map((d) => d.ms);
    expect([...ms].sort((a, b) => a - b)).toEqual(ms);
  }
  // One point a second, plus any after the window in which late operations completed.
  expect(r.timeline.points.length).toBeGreaterThanOrEqual(seconds);
  expect(r.timeline.points.map((p) => p.t).slice(0, seconds)).toEqual(Array.from({ length: seconds }, (_, i) => i));
  expect(r.timeline.points.reduce((n, p) => n + p.offered, 0)).toBe(r.offered.ops);
  expect(r.timeline.points.reduce((n, p) => n + p.completed, 0)).toBe(r.achieved.completed);
  expect(r.timeline.points.reduce((n, p) => n + (p.ops.read?.count ?? 0), 0)).toBe(r.operations.read!.offered);
  const lag = r.fanoutLag;
  expect(lag.visible + lag.timedOut + lag.failed + lag.noFollower + lag.notStarted).toBe(lag.probes);
  expect(lag.samplesMs).toHaveLength(lag.visible);
  if (lag.visible > 0) expectOrdered(lag.latencyMs);
}

describe("feed-engine load-test (built binary)", () => {
  it("on memory: seeds a synthetic graph, keeps the rate, and writes a self-contained HTML report", async () => {
    const html = join(dir, "memory.html");
    const r = await cli([
      "load-test",
      "--source",
      "memory:",
      "--memory-users",
      "500",
      "--rate",
      "100",
      "--duration",
      "3",
      "--warmup",
      "1",
      "--lag-samples",
      "3",
      "--json",
      "--html",
      html,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as LoadTestReport;
    expectSane(report, 100, 3);
    expect(report.backends).toEqual({ source: "memory:", timelines: "memory:", bus: "memory:" });
    expect(report.users).toMatchObject({ count: 500, from: "seeded", capped: false, skew: 0.99 });
    expect(report.users.seeded).toMatchObject({ users: 500, posts: 2500, celebrities: 1 });
    expect(report.settings).toMatchObject({ shape: { kind: "constant", rate: 100 }, warmupSeconds: 1, seed: 42 });
    expect(Object.keys(report.operations)).toEqual(["read", "profile", "post", "follow", "like"]);
    expect(report.operations.read!.offered).toBeGreaterThan(report.operations.profile!.offered);
    expect(report.warmup).toEqual({ ops: 100, errors: 0 });
    expect(report.fanoutLag).toMatchObject({ probes: 3, visible: 3, timedOut: 0 });
    expect(r.stderr).toContain("--source memory: starts empty; seeding a synthetic graph of 500 users");
    // Not a terminal: the live line is printed as a plain last line when the run ends.
    expect(r.stderr).toMatch(
      /^load-test (measuring|draining) +\d+\.\d\/4 s {2}offered [\d.]+\/s {2}achieved .* {2}p99 .* {2}errors 0$/m,
    );
    expect(r.stderr).toContain(`feed-engine: wrote the HTML report to ${html}`);

    const page = readFileSync(html, "utf8");
    expect(page.startsWith("<!doctype html>")).toBe(true);
    expect(page.trimEnd().endsWith("</html>")).toBe(true);
    // Self-contained: inline SVG charts, no scripts to run, nothing fetched.
    expect(page.match(/<svg /g)?.length).toBe(1 + 5 + 1);
    expect(page).toContain("Latency by percentile");
    expect(page).toContain("read: home timeline read");
    expect(page).not.toMatch(/<script(?![^>]*type="application\/json")/);
    expect(page).not.toMatch(/https?:\/\/|<link|<img|@import|url\(/);
    const embedded = /<script type="application\/json" id="report">(.*?)<\/script>/s.exec(page)![1]!;
    expect((JSON.parse(embedded) as LoadTestReport).offered).toEqual(report.offered);
  });

  it("prints a table by default, and ramps", async () => {
    const r = await cli([
      "load-test",
      "--source",
      "memory:",
      "--memory-users",
      "300",
      "--ramp",
      "20:60",
      "--duration",
      "2",
      "--warmup",
      "0",
      "--mix",
      "read=3,post=1",
      "--lag-samples",
      "0",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Load +ramp 20\/s -> 60\/s for 2 s, at most 256 outstanding; mix read=3,post=1$/m);
    expect(r.stdout).toMatch(/^Offered +80 ops, 40\.0\/s$/m);
    expect(r.stdout).toMatch(/^ {2}operation +offered +ok +errors +ok\/s +p50 ms +p90 ms +p99 ms +p99\.9 ms +max ms$/m);
    expect(r.stdout).toMatch(/^ {2}read +\d+ +\d+ +0 /m);
    expect(r.stdout).toMatch(/^ {2}all +80 +80 +0 /m);
    expect(r.stdout).toMatch(/^Saturation +none \(peak \d+ of 256 outstanding\)$/m);
    expect(r.stdout).not.toContain("Fan-out lag");
  });

  it("reports saturation instead of hiding it, and every offered operation is still accounted for", async () => {
    const args = ["--memory-users", "200", "--rate", "20000", "--duration", "1", "--warmup", "0", "--lag-samples", "0"];
    const r = await cli([
      "load-test",
      "--source",
      "memory:",
      ...args,
      "--max-outstanding",
      "1",
      "--drain-timeout",
      "0",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^Saturation +SATURATED: [\d,]+ of 20,000 ops \(warm-up included\) held back by 1 outstanding/m,
    );
    expect(r.stdout).toMatch(/^ {2}operation +offered +ok +errors +unfinished +ok\/s /m);
    const json = await cli(["load-test", "--source", "memory:", ...args, "--max-outstanding", "1", "--json"]);
    const report = JSON.parse(json.stdout) as LoadTestReport;
    expect(report.saturation).toMatchObject({ saturated: true, peakOutstanding: 1, scheduled: 20_000 });
    expect(report.saturation.heldBack).toBeGreaterThan(0);
    const { completed, errors, unsent, abandoned } = report.achieved;
    expect(completed + errors + unsent + abandoned).toBe(20_000);
    expect(report.achieved.perSecond).toBeLessThan(20_000);
    // The operations that waited for the one slot carry that wait: latency runs from the intended send time, so each
    // operation's latency includes its send lag, and every percentile of latency is at least that of the lag. (An
    // absolute floor would depend on how fast the machine runs the in-memory engine.)
    const lag = report.saturation.sendLagMs;
    expect(lag.p99!).toBeGreaterThan(0);
    expect(report.all.latencyMs.p50!).toBeGreaterThanOrEqual(lag.p50!);
    expect(report.all.latencyMs.p99!).toBeGreaterThanOrEqual(lag.p99!);
  });

  it("refuses a bad --mix, --rate or --ramp in one line, before touching any backend", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--mix", "read=abc"], /option '--mix <weights>' argument 'read=abc' is invalid\. expected name=weight pairs/],
      [["--mix", "read=80,tweet=5"], /unknown operation "tweet"; known: read, profile, post, follow, like\.\n$/],
      [["--mix", "read=0"], /every weight is 0: nothing to do\.\n$/],
      [["--rate", "0"], /option '--rate <ops>' argument '0' is invalid\. expected operations per second/],
      [["--rate", "fast"], /option '--rate <ops>' argument 'fast' is invalid/],
      [["--ramp", "100"], /option '--ramp <from:to>' argument '100' is invalid\. expected FROM:TO/],
      [["--ramp", "0:0"], /expected FROM:TO/],
      [["--rate", "10", "--ramp", "1:5"], /option '--ramp <from:to>' cannot be used with option '--rate <ops>'/],
      [["--duration", "0"], /option '--duration <s>' argument '0' is invalid/],
      [["--max-outstanding", "0"], /option '--max-outstanding <n>' argument '0' is invalid/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(["load-test", "--source", "postgres://nobody@127.0.0.1:1/none", ...args]);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr, args.join(" ")).toMatch(message);
    }
    const html = await cli(["load-test", "--source", "memory:", "--html", join(dir, "no", "such", "r.html")]);
    expect(html.code).toBe(1);
    expect(html.stderr).toBe(
      `feed-engine: --html: cannot write to the folder of ${join(dir, "no", "such", "r.html")}; make it or pick another path\n`,
    );
  });

  it("--help shows examples", async () => {
    const help = await cli(["load-test", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Examples:");
    expect(help.stdout).toMatch(
      /--mix <weights> +operation weights \(default:\s+read=80,profile=10,post=5,follow=3,like=2\)/,
    );
    expect(help.stdout).toContain("coordinated omission corrected");
  });
});

describe("feed-engine load-test on PostgreSQL + Redis (built binary)", () => {
  const { env, schema } = fileBackends("loadtest");

  it("needs users in the source of truth", async () => {
    const migrated = await cli(["migrate"], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    const r = await cli(["load-test", "--duration", "1"], env);
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toMatch(
      /^feed-engine: the source of truth postgres:\/\/.* has 0 user\(s\); load-test needs a seeded graph: run `feed-engine seed/,
    );
  });

  it("runs the mix on users seeded by `feed-engine seed`, then the timelines still match the source of truth", async () => {
    const seeded = await cli(
      ["seed", "--synthetic", "--users", "400", "--celebrities", "1", "--posts-per-user", "2"],
      env,
    );
    expect(seeded.code, seeded.stderr).toBe(0);
    const html = join(dir, "postgres.html");
    const r = await cli(
      ["load-test", "--rate", "60", "--duration", "3", "--warmup", "1", "--lag-samples", "3", "--json", "--html", html],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as LoadTestReport;
    expectSane(report, 60, 3);
    expect(report.backends.source).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:5432\//);
    expect(report.backends.timelines).toMatch(/^redis:\/\/127\.0\.0\.1:6379/);
    expect(report.users).toMatchObject({ count: 400, from: "source", capped: false });
    expect(report.fanoutLag).toMatchObject({ probes: 3, visible: 3, timedOut: 0 });
    expect(report.operations.post!.completed).toBeGreaterThan(0);
    expect(readFileSync(html, "utf8")).toContain(`${report.backends.source}`);

    // What the load test wrote was fanned out before it exited: no drift.
    const verify = await cli(["verify", "--sample", "400", "--grace", "0", "--json"], env);
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout) as VerifyResult).toMatchObject({ drifted: 0 });

    // --max-users caps the users read from the source.
    const capped = await cli(
      [
        "load-test",
        "--rate",
        "20",
        "--duration",
        "1",
        "--warmup",
        "0",
        "--max-users",
        "50",
        "--lag-samples",
        "0",
        "--json",
      ],
      env,
    );
    expect(capped.code, capped.stderr).toBe(0);
    expect((JSON.parse(capped.stdout) as LoadTestReport).users).toMatchObject({ count: 50, capped: true });
    expect(schema).toMatch(/^fe_cli_loadtest_/);
  });
});

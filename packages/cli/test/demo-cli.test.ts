import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DemoReport } from "../src/demo/demo-report.js";
import { BIN, cli } from "./run-cli.js";

// End to end through the built binary, as `pnpm demo` runs it, from a temp dir with FEED_ENGINE_DATASET unset, so
// nothing depends on where the dataset is.
describe("feed-engine demo (built binary)", () => {
  it("--synthetic --json prints a sane report on stdout and progress on stderr", async () => {
    const { code, stdout, stderr } = await cli(["demo", "--synthetic", "--users", "2000", "--posts", "50", "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as DemoReport;
    expect(report.dataset).toMatchObject({ kind: "synthetic", users: 2000, celebrities: 3, seed: 42 });
    expect(report.users).toBe(2000);
    expect(report.edges).toBeGreaterThan(10_000);
    expect(report.posts).toBe(50);
    expect(report.reads).toBe(50 * 50);
    expect(report.deliveriesPerPost).toBeLessThanOrEqual(report.pushAllDeliveriesPerPost);
    expect(report.deliveries).toBeLessThanOrEqual(Math.ceil(report.pushAllDeliveriesPerPost * report.posts));
    expect(report.savedShare).toBeGreaterThan(0);
    expect(report.pulledAccounts).toBeGreaterThanOrEqual(3);
    for (const s of [report.readLatencyMs, report.fanoutLagMs]) {
      expect(s.p50).not.toBeNull();
      expect(s.p50!).toBeLessThanOrEqual(s.p99!);
      expect(s.p99!).toBeLessThanOrEqual(s.max!);
    }
    expect(report.peakRssMb).toBeGreaterThan(0);
    expect(report.totalSeconds).toBeGreaterThan(0);
    expect(stderr).toMatch(/Importing follows: [\d,]+ follows in/);
    expect(stderr).toMatch(/Replaying workload: 50 posts, 2,500 reads in/);
  });

  it("is deterministic for a seed (same graph, same deliveries)", async () => {
    const args = ["demo", "--synthetic", "--users", "2000", "--posts", "30", "--reads-per-post", "5", "--json"];
    const [a, b] = await Promise.all([cli([...args, "--seed", "9"]), cli([...args, "--seed", "9"])]);
    const [ra, rb] = [JSON.parse(a.stdout) as DemoReport, JSON.parse(b.stdout) as DemoReport];
    expect([rb.edges, rb.deliveries, rb.pushAllDeliveriesPerPost]).toEqual([
      ra.edges,
      ra.deliveries,
      ra.pushAllDeliveriesPerPost,
    ]);
  });

  it("says where it looked when the dataset is missing, and falls back to synthetic", async () => {
    const { code, stdout, stderr } = await cli([
      "demo",
      "--dataset",
      "/nonexistent/edges.txt.gz",
      "--users",
      "2000",
      "--posts",
      "10",
      "--json",
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain("feed-engine: dataset /nonexistent/edges.txt.gz not found; running the synthetic graph");
    const report = JSON.parse(stdout) as DemoReport;
    expect(report.dataset).toMatchObject({
      kind: "synthetic",
      fallbackReason: "dataset /nonexistent/edges.txt.gz not found",
    });
  });

  it("prints a table without --json", async () => {
    const { code, stdout } = await cli([
      "demo",
      "--synthetic",
      "--users",
      "2000",
      "--posts",
      "10",
      "--threshold",
      "500",
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Policy +hybrid: pull authors with >= 500 followers/);
    expect(stdout).toMatch(/Threshold rule +--threshold/);
    expect(stdout).toMatch(/Saved vs push-all +\d+\.\d%/);
    expect(stdout).toMatch(/Read latency +p50 [\d.]+ ms {3}p99 [\d.]+ ms {3}max [\d.]+ ms/);
  });

  it("a known error (a dataset with no edges) prints one line and exits 1; --verbose adds the stack", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "feed-engine-cli-")), "empty.txt");
    writeFileSync(path, "# no edges here\n");
    const plain = await cli(["demo", "--dataset", path]);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toBe("");
    expect(plain.stderr.trim().split("\n").at(-1)).toBe(
      `feed-engine: ${path} holds no follow edges ("A B" lines); nothing to replay`,
    );
    const verbose = await cli(["demo", "--dataset", path, "--verbose"]);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/CliError: .* holds no follow edges[^\n]*\n\s+at /);
  });

  it("demo --help shows the options and examples", async () => {
    const { code, stdout } = await cli(["demo", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--reads-per-post <n>");
    expect(stdout).toContain("Examples:");
    expect(stdout).toContain("$ feed-engine demo --synthetic");
  });

  it("--version prints the package version", async () => {
    const { code, stdout } = await cli(["--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("an unknown option exits non-zero with one line on stderr", async () => {
    const { code, stdout, stderr } = await cli(["demo", "--bogus"]);
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toEqual(["feed-engine: unknown option '--bogus'"]);
  });

  it("a bad option value exits 1 with one line naming the option", async () => {
    const { code, stderr } = await cli(["demo", "--posts", "0"]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^feed-engine: option '--posts <n>' argument '0' is invalid\. expected an integer from 1/);
  });

  it("Ctrl-C (SIGINT) stops a run with exit code 130", async () => {
    const child = spawn(process.execPath, [BIN, "demo", "--synthetic", "--users", "200000", "--posts", "1000000"], {
      cwd: tmpdir(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      // Interrupt once it is busy (the graph is generated, import has started).
      if (stderr.includes("Generating graph:") && !child.killed) child.kill("SIGINT");
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stderr).toContain("feed-engine: interrupted");
  });
});

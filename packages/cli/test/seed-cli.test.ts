import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { SeedReport } from "../src/seed/run-seed.js";
import type { VerifyResult } from "../src/timelines/verify-timelines.js";
import { cli, fileBackends, lastLine } from "./run-cli.js";

const { env, schema } = fileBackends("seed");
const dir = mkdtempSync(join(tmpdir(), "feed-engine-seed-"));

// A small graph: 1 is followed by everyone, 2 <-> 3, plus a self-follow and two malformed lines.
const EDGES = ["# A follows B", "2 1", "3 1", "4 1", "5 1", "2 3", "3 2", "4 4", "not an edge", "4 5", "6 1 7"].join(
  "\n",
);

describe("feed-engine seed (built binary, PostgreSQL + Redis)", () => {
  it("needs a migrated schema", async () => {
    const r = await cli(["seed", "--synthetic", "--users", "100"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`schema "${schema}" is not migrated`);
    const migrated = await cli(["migrate"], env);
    expect(migrated.code, migrated.stderr).toBe(0);
  });

  it("counts and reports malformed lines without --strict, builds every timeline, and is idempotent", async () => {
    const file = join(dir, "edges.txt.gz");
    writeFileSync(file, gzipSync(EDGES));
    const first = await cli(["seed", file, "--posts-per-user", "3", "--json"], env);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as SeedReport;
    expect(report.graph).toMatchObject({ kind: "file", path: file, gzip: true, selfLoops: 1, badLines: 2 });
    expect(report.graph.kind === "file" && report.graph.badLineSamples).toEqual([
      'line 9: "not an edge"',
      'line 11: "6 1 7"',
    ]);
    expect(report.users).toEqual({ inGraph: 5, imported: 5, existing: 0, rejected: 0 });
    expect(report.follows).toEqual({ inGraph: 7, imported: 7, existing: 0, rejected: 0 });
    expect(report.posts).toEqual({ created: 15, perUser: 3, historyDays: 7 });
    expect(report.timelines).toEqual({ mode: "built", method: "computed", users: 5 });
    expect(report.phases.map((p) => p.name)).toEqual([
      "read graph",
      "users",
      "follows",
      "posts",
      "activity",
      "timelines computed",
    ]);
    expect(first.stderr).toContain("feed-engine: skipped 2 malformed lines");
    expect(first.stderr).toMatch(/Importing follows: 7 follows in/);
    expect(first.stderr).toMatch(/Building timelines: 5 users in/);

    // The seeded state reads correctly: user 2 follows 1 and 3, so sees their posts and its own (9), newest first.
    const page = await cli(["timeline", "@u2", "--limit", "100", "--json"], env);
    expect(page.code, page.stderr).toBe(0);
    const items = (JSON.parse(page.stdout) as { items: Array<{ id: string; post: { authorId: string } }> }).items;
    expect(items.map((i) => i.post.authorId).sort()).toEqual(["1", "1", "1", "2", "2", "2", "3", "3", "3"]);
    const ids = items.map((i) => BigInt(i.id));
    expect([...ids].sort((a, b) => (a < b ? 1 : -1))).toEqual(ids);

    // Materialized exactly as the source of truth says.
    const verify = await cli(["verify", "--grace", "0", "--json"], env);
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout) as VerifyResult).toMatchObject({ sampled: 5, checked: 5, drifted: 0 });

    const again = await cli(["seed", file, "--json", "--lazy-timelines"], env);
    expect(again.code, again.stderr).toBe(0);
    const second = JSON.parse(again.stdout) as SeedReport;
    expect(second.users).toMatchObject({ imported: 0, existing: 5 });
    expect(second.follows).toMatchObject({ imported: 0, existing: 7 });
    expect(second.timelines).toEqual({ mode: "dropped", method: null, users: 5 });
    // Dropped timelines are cold: not drift, and the next read rebuilds them.
    const cold = JSON.parse((await cli(["verify", "--json"], env)).stdout) as VerifyResult;
    expect(cold).toMatchObject({ sampled: 5, cold: 5, checked: 0, drifted: 0 });
    const reread = await cli(["timeline", "@u2", "--limit", "100", "--json"], env);
    expect(JSON.parse(reread.stdout).items).toHaveLength(9);

    // Users that were there already: timelines are rebuilt from the source of truth, which has the new posts too.
    const third = await cli(["seed", file, "--posts-per-user", "1", "--json"], env);
    expect(third.code, third.stderr).toBe(0);
    expect((JSON.parse(third.stdout) as SeedReport).timelines).toEqual({ mode: "built", method: "rebuilt", users: 5 });
    const rebuilt = JSON.parse((await cli(["verify", "--grace", "0", "--json"], env)).stdout) as VerifyResult;
    expect(rebuilt).toMatchObject({ checked: 5, drifted: 0 });
    const latest = await cli(["timeline", "@u2", "--limit", "100", "--json"], env);
    expect(JSON.parse(latest.stdout).items).toHaveLength(12);
  });

  it("--strict stops at the first malformed line, naming it, before writing anything", async () => {
    const file = join(dir, "strict.txt");
    writeFileSync(file, "10 11\n10 oops\n11 12\n");
    const r = await cli(["seed", file, "--strict"], env);
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toBe(`feed-engine: ${file}:2: expected two decimal user ids "A B", got "10 oops"`);
    expect(r.stdout).toBe("");
    const user = await cli(["timeline", "10"], env);
    expect(user.stderr).toBe("feed-engine: userId: user 10 does not exist\n");
  });

  it("--synthetic makes a seeded power-law graph with celebrities the policy pulls", async () => {
    const r = await cli(
      [
        "seed",
        "--synthetic",
        "--users",
        "3000",
        "--celebrities",
        "2",
        "--seed",
        "7",
        "--celebrity-threshold",
        "2000",
        "--posts-per-user",
        "1",
        "--json",
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as SeedReport;
    expect(report.graph).toEqual({
      kind: "synthetic",
      users: 3000,
      celebrities: 2,
      celebrityFollowers: [2849, 2699],
      seed: 7,
    });
    // Users 1-5 are there from the file seeded above: the rest are new, and timelines are rebuilt, not computed.
    expect(report.users).toMatchObject({ imported: 2995, existing: 5 });
    expect(report.timelines).toEqual({ mode: "built", method: "rebuilt", users: 3000 });
    expect(report.follows.imported).toBeGreaterThan(3000 * 5);
    expect(report.posts.created).toBe(3000);
    expect(report.pulledAuthors).toBe(2);
    const verify = await cli(
      ["verify", "--sample", "200", "--grace", "0", "--celebrity-threshold", "2000", "--json"],
      env,
    );
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ sampled: 200, checked: 200, drifted: 0 });
  });

  it("a missing file or no input at all is one line", async () => {
    const missing = await cli(["seed", join(dir, "nope.txt")], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`feed-engine: cannot read edge list ${join(dir, "nope.txt")}: no such file\n`);
    const nothing = await cli(["seed"], env);
    expect(nothing.stderr).toMatch(/^feed-engine: seed needs an edge list file \(e\.g\. .*\) or --synthetic\n$/);
  });

  it("--source memory: is a dry run in this process, with a table on stdout", async () => {
    const r = await cli(["seed", "--synthetic", "--users", "500", "--posts-per-user", "2", "--source", "memory:"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Source of truth +memory:$/m);
    expect(r.stdout).toMatch(/^Posts +1,000 \(2 per user over 7 days\)$/m);
    expect(r.stdout).toMatch(/^Timelines +500 built \(computed from the seeded graph and posts/m);
  });

  it("--help shows examples", async () => {
    const help = await cli(["seed", "--help"]);
    expect(help.stdout).toContain("Examples:");
    expect(help.stdout).toContain("--posts-per-user <n>");
  });
});

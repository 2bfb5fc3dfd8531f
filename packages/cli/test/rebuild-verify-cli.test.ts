import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RedisTimelineStore } from "@feed-engine/adapter-redis";
import { snowflakeAt } from "@feed-engine/core";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RebuildResult } from "../src/timelines/rebuild-timelines.js";
import type { VerifyResult } from "../src/timelines/verify-timelines.js";
import { cli, fileBackends, lastLine } from "./run-cli.js";

const { env, redisPrefix, schema } = fileBackends("rebuild");
const redis = new Redis(inject("redisUrl"));
// The same store the CLI writes, to damage timelines behind its back.
const timelines = new RedisTimelineStore({ client: redis, prefix: redisPrefix });
const dir = mkdtempSync(join(tmpdir(), "feed-engine-rebuild-"));
afterAll(() => redis.disconnect());

beforeAll(async () => {
  for (const args of [["migrate"], ["seed", "--synthetic", "--users", "300", "--posts-per-user", "2"]]) {
    const r = await cli(args, env);
    if (r.code !== 0) throw new Error(r.stderr);
  }
});

const verify = async (args: string[]) => {
  const r = await cli(["verify", "--json", ...args], env);
  return { ...r, result: JSON.parse(r.stdout) as VerifyResult };
};

describe("feed-engine verify and rebuild (built binary, PostgreSQL + Redis)", () => {
  it("finds no drift in freshly seeded timelines", async () => {
    const r = await verify(["--sample", "100", "--seed", "3"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.result).toMatchObject({ sampled: 100, checked: 100, ok: 100, drifted: 0, cold: 0, inactive: 0, seed: 3 });
    expect(r.result.comparedEntries).toBeGreaterThan(100);
    expect(r.stderr).toMatch(/Verifying timelines: 100 users in/);
  });

  it("reports missing and extra entries, exits 1, and --repair rebuilds the drifted timelines", async () => {
    const slice = await timelines.read("2", { limit: 1 });
    const removed = slice!.ids[0]!;
    await timelines.remove("2", [removed]);
    const bogus = snowflakeAt(Date.now() - 3_600_000);
    await timelines.merge("3", [bogus], "0");

    const found = await verify(["2", "@u3", "4"]);
    expect(found.code).toBe(1);
    expect(lastLine(found.stderr)).toBe(
      "feed-engine: 2 of 3 timelines checked drifted; run again with --repair to rebuild them",
    );
    expect(found.result).toMatchObject({
      sampled: 3,
      checked: 3,
      drifted: 2,
      missingEntries: 1,
      extraEntries: 1,
      repaired: 0,
    });
    expect(found.result.drifts).toEqual([
      { userId: "2", missing: 1, extra: 0, missingIds: [removed], extraIds: [] },
      { userId: "3", missing: 0, extra: 1, missingIds: [], extraIds: [bogus] },
    ]);
    const table = await cli(["verify", "2", "3"], env);
    expect(table.stdout).toMatch(/^Drifted +2 \(1 missing entries, 1 extra\)$/m);
    expect(table.stdout).toContain(`  user 2: missing 1 (e.g. ${removed})`);

    const repaired = await verify(["2", "3", "--repair"]);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.result).toMatchObject({ drifted: 2, repaired: 2 });
    const after = await verify(["2", "3"]);
    expect(after.result).toMatchObject({ checked: 2, drifted: 0 });
  });

  it("an entry newer than --grace is not judged (its fan-out may be in flight)", async () => {
    const post = await cli(["post", "@u7", "just now", "--json"], env);
    const id = JSON.parse(post.stdout).post.id as string;
    const [follower] = await followersOf("7");
    await timelines.remove(follower!, [id]);
    expect((await verify([follower!])).result.drifted).toBe(0);
    expect((await verify([follower!, "--grace", "0"])).result).toMatchObject({ drifted: 1, missingEntries: 1 });
    expect((await cli(["rebuild", follower!], env)).code).toBe(0);
    expect((await verify([follower!, "--grace", "0"])).result.drifted).toBe(0);
  });

  it("rebuild <user> rebuilds a dropped (cold) timeline", async () => {
    await timelines.drop("5");
    expect((await verify(["5"])).result).toMatchObject({ cold: 1, checked: 0 });
    const r = await cli(["rebuild", "@u5", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout) as RebuildResult).toMatchObject({ rebuilt: 1, resumedAfter: null, dropped: false });
    expect((await verify(["5"])).result).toMatchObject({ checked: 1, drifted: 0 });
    const text = await cli(["rebuild", "5", "6", "--drop"], env);
    expect(text.stdout).toMatch(/^dropped and rebuilt 2 timelines in \d+\.\ds/);
  });

  it("rebuild --all walks every user, resumes from --after or a checkpoint, and removes the checkpoint when done", async () => {
    const all = await cli(["rebuild", "--all", "--json"], env);
    expect(all.code, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout)).toMatchObject({ rebuilt: 300, resumedAfter: null, lastUserId: "300" });
    expect(all.stderr).toMatch(/Rebuilding timelines: 300 users in/);

    const after = await cli(["rebuild", "--all", "--after", "290", "--json"], env);
    expect(JSON.parse(after.stdout)).toMatchObject({ rebuilt: 10, resumedAfter: "290", lastUserId: "300" });

    const checkpoint = join(dir, "rebuild.json");
    writeFileSync(checkpoint, JSON.stringify({ after: "150", rebuilt: 150, updatedAt: "2026-01-01T00:00:00Z" }));
    const resumed = await cli(["rebuild", "--all", "--checkpoint", checkpoint, "--json"], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ rebuilt: 150, resumedAfter: "150" });
    expect(resumed.stderr).toContain(`feed-engine: resuming after user 150 (checkpoint ${checkpoint}`);
    expect(existsSync(checkpoint)).toBe(false);

    writeFileSync(checkpoint, "{}");
    const broken = await cli(["rebuild", "--all", "--checkpoint", checkpoint], env);
    expect(broken.stderr).toBe(
      `feed-engine: checkpoint ${checkpoint} is not one this command wrote; delete it to start over\n`,
    );
    expect(readFileSync(checkpoint, "utf8")).toBe("{}");
  });

  it("refuses impossible requests in one line", async () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, string]> = [
      [["rebuild"], env, "feed-engine: rebuild needs users to rebuild, or --all\n"],
      [["rebuild", "@u1", "--all"], env, "feed-engine: rebuild takes users or --all, not both\n"],
      [["rebuild", "@u1", "--after", "5"], env, "feed-engine: --after and --checkpoint go with --all\n"],
      [["rebuild", "--all", "--after", "x"], env, 'feed-engine: --after must be a user id (got "x")\n'],
      [
        ["rebuild", "--all", "--source", "memory:"],
        {},
        "feed-engine: rebuild --all walks every user of the source of truth, which this source cannot list; use postgres://\n",
      ],
      [
        ["verify", "--timelines", "none:"],
        env,
        "feed-engine: the timeline store is none: (pull-only): nothing is materialized, so nothing can drift\n",
      ],
    ];
    for (const [args, e, stderr] of cases) {
      const r = await cli(args, e);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr, args.join(" ")).toBe(stderr);
    }
  });
});

/** Some followers of a user, straight from the source of truth. */
async function followersOf(userId: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: inject("postgresUrl") });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `SELECT follower_id::text AS id FROM ${schema}.follows WHERE followee_id = $1 ORDER BY follower_id LIMIT 3`,
      [userId],
    );
    return rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import type { SeedReport } from "../src/seed/run-seed.js";
import type { VerifyResult } from "../src/timelines/verify-timelines.js";
import { cli, fileBackends } from "./run-cli.js";

// Timelines on the run's 3-master Redis Cluster (stopped, keys and all, by the global teardown), capped at 4 entries so
// that seeded timelines have a floor and pages continue below it from the source of truth.
const backends = fileBackends("cluster");
const env = {
  ...backends.env,
  FEED_ENGINE_TIMELINES: `redis-cluster://${inject("redisClusterNodes")}`,
  FEED_ENGINE_TIMELINE_CAP: "4",
};

describe("timelines on a Redis Cluster (built binary)", () => {
  it("seeds, verifies and reads past the cap", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "feed-engine-cluster-")), "edges.txt");
    // 1 follows 2, 3 and 4; everyone posts 3 times, so 1's timeline has 12 entries and keeps 4.
    writeFileSync(file, "1 2\n1 3\n1 4\n2 1\n");
    expect((await cli(["migrate"], env)).code).toBe(0);
    const seeded = await cli(["seed", file, "--posts-per-user", "3", "--json"], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect((JSON.parse(seeded.stdout) as SeedReport).timelines).toEqual({
      mode: "built",
      method: "computed",
      users: 4,
    });
    const verify = await cli(["verify", "--grace", "0", "--json"], env);
    expect(verify.code, verify.stderr).toBe(0);
    const result = JSON.parse(verify.stdout) as VerifyResult;
    expect(result).toMatchObject({ sampled: 4, checked: 4, drifted: 0 });
    expect(result.comparedEntries).toBe(4 + 4 + 3 + 3);
    const page = await cli(["timeline", "@u1", "--limit", "100", "--json"], env);
    expect(JSON.parse(page.stdout).items).toHaveLength(12);
    const post = await cli(["post", "@u2", "on the cluster", "--json"], env);
    expect(JSON.parse(post.stdout).fanout).toMatchObject({ mode: "push", deliveries: 1 });
    const rebuilt = await cli(["rebuild", "--all", "--drop", "--json"], env);
    expect(JSON.parse(rebuilt.stdout)).toMatchObject({ rebuilt: 4, dropped: true });
    expect(JSON.parse((await cli(["verify", "--grace", "0", "--json"], env)).stdout)).toMatchObject({ drifted: 0 });
  });
});

import { migrations } from "@feed-engine/adapter-cassandra";
import cassandra from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { FollowResult } from "../src/commands/follow.js";
import type { MigrateResult } from "../src/commands/migrate.js";
import type { PostResult } from "../src/commands/post.js";
import type { TimelineResult } from "../src/commands/timeline.js";
import type { SeedReport } from "../src/seed/run-seed.js";
import type { RebuildResult } from "../src/timelines/rebuild-timelines.js";
import type { VerifyResult } from "../src/timelines/verify-timelines.js";
import { cli, fileBackends, type Outcome } from "./run-cli.js";

// One keyspace for this file, dropped after it: schema changes are slow, so every test shares it.
const keyspace = `fe_${inject("runId")}_cli`.slice(0, 48);
const contactPoint = inject("cassandraContactPoint");
const url = `cassandra://${contactPoint}/${keyspace}`;
const dc = { FEED_ENGINE_CASSANDRA_DC: inject("cassandraDataCenter") };
const { env: redisEnv } = fileBackends("cassandra");
/** Cassandra holds the source of truth, Redis the timelines. */
const env = { ...redisEnv, ...dc, FEED_ENGINE_SOURCE: url };
/** Cassandra holds everything: timelines and last-seen times in the same keyspace. */
const allCassandra = { ...dc, FEED_ENGINE_SOURCE: url, FEED_ENGINE_TIMELINES: url };

const client = new cassandra.Client({ contactPoints: [contactPoint], localDataCenter: inject("cassandraDataCenter") });
afterAll(async () => {
  try {
    await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`, [], { readTimeout: 120_000 });
  } finally {
    await client.shutdown();
  }
});

const ok = (r: Outcome, what: string): Outcome => {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${r.stderr}`);
  return r;
};
const json = async <T>(args: string[], e: NodeJS.ProcessEnv): Promise<T> =>
  JSON.parse(ok(await cli([...args, "--json"], e), args.join(" ")).stdout) as T;
/** Every user id in the order Cassandra stores them (token order), straight from the table. */
const usersInTokenOrder = async (): Promise<string[]> =>
  (await client.execute(`SELECT id FROM "${keyspace}".users`, [], { fetchSize: 10_000 })).rows.map((r) => String(r.id));

let firstMigrate: MigrateResult;
let secondMigrate: Outcome;
let seeded: SeedReport;
beforeAll(async () => {
  await client.connect();
  firstMigrate = await json<MigrateResult>(["migrate"], env);
  // The same keyspace named for both roles is one target.
  secondMigrate = await cli(["migrate"], allCassandra);
  seeded = await json<SeedReport>(
    ["seed", "--synthetic", "--users", "60", "--celebrities", "1", "--posts-per-user", "2", "--seed", "7"],
    env,
  );
});

describe("feed-engine with a Cassandra source (built binary, Cassandra + Redis)", () => {
  it("migrate creates the keyspace once, then reports it up to date", async () => {
    const all = (await migrations()).map((m) => `${String(m.version).padStart(3, "0")}_${m.name}`);
    expect(all).toContain("006_activity");
    expect(firstMigrate).toEqual({
      migrated: [
        { target: `keyspace ${keyspace} in cassandra://${contactPoint}/${keyspace}`, applied: all, upToDate: false },
      ],
    });
    expect(secondMigrate.code, secondMigrate.stderr).toBe(0);
    expect(secondMigrate.stdout).toBe(
      `keyspace ${keyspace} in cassandra://${contactPoint}/${keyspace} is up to date\n`,
    );
    const { rows } = await client.execute(`SELECT version FROM "${keyspace}".schema_migrations`);
    expect(rows).toHaveLength(all.length);
    const withDc = await cli(["migrate", "--source", `${url}?dc=${inject("cassandraDataCenter")}`]);
    expect(withDc.stdout).toBe(`keyspace ${keyspace} in ${url}?dc=${inject("cassandraDataCenter")} is up to date\n`);
  });

  it("seed writes a synthetic graph into Cassandra, and verify finds no drift", async () => {
    expect(seeded.backends.source).toBe(url);
    expect(seeded.users).toMatchObject({ inGraph: 60, imported: 60, rejected: 0 });
    expect(seeded.follows.imported).toBe(seeded.follows.inGraph);
    expect(seeded.posts.created).toBe(120);
    expect(await usersInTokenOrder()).toHaveLength(60);
    const verify = await json<VerifyResult>(["verify", "--sample", "60"], env);
    expect(verify).toMatchObject({ sampled: 60, checked: 60, drifted: 0, cold: 0, inactive: 0 });
    expect(verify.comparedEntries).toBeGreaterThan(60);
  });

  it("post fans out, timeline reads it, follow backfills and --undo takes it out", async () => {
    const followers = await client.execute(
      `SELECT follower_id FROM "${keyspace}".followers WHERE followee_id = ?`,
      ["1"],
      { prepare: true },
    );
    const post = await json<PostResult>(["post", "@u1", "hello", "from", "cassandra"], env);
    expect(post.fanout).toMatchObject({ mode: "push", followers: followers.rows.length });
    expect(post.fanout!.deliveries).toBe(followers.rows.length);
    const reader = String(followers.rows[0]!.follower_id);
    const page = await json<TimelineResult>(["timeline", reader, "--limit", "1"], env);
    expect(page.items).toEqual([{ id: post.post.id, post: expect.objectContaining({ text: "hello from cassandra" }) }]);

    // A user whom @u1 does not follow, and who posted (every seeded user has 2 posts).
    const followees = await client.execute(
      `SELECT followee_id FROM "${keyspace}".followees WHERE follower_id = ?`,
      ["1"],
      { prepare: true },
    );
    const following = new Set(followees.rows.map((r) => String(r.followee_id)));
    const stranger = (await usersInTokenOrder()).find((id) => id !== "1" && !following.has(id))!;
    const follow = await json<FollowResult>(["follow", "@u1", stranger], env);
    expect(follow).toMatchObject({ action: "follow", changed: true, followee: { id: stranger } });
    const authors = async () =>
      (await json<TimelineResult>(["timeline", "@u1", "--limit", "100"], env)).items.map((i) => i.post.authorId);
    expect((await authors()).filter((a) => a === stranger)).toHaveLength(2);
    expect((await json<FollowResult>(["follow", "@u1", stranger, "--undo"], env)).changed).toBe(true);
    expect(await authors()).not.toContain(stranger);
  });

  it("rebuild --all walks every user in token order and resumes with --after", async () => {
    const order = await usersInTokenOrder();
    const all = await json<RebuildResult>(["rebuild", "--all"], env);
    expect(all).toMatchObject({ rebuilt: 60, resumedAfter: null, lastUserId: order.at(-1) });
    const after = await json<RebuildResult>(["rebuild", "--all", "--after", order[19]!], env);
    expect(after).toMatchObject({ rebuilt: 40, resumedAfter: order[19], lastUserId: order.at(-1) });
    expect((await json<VerifyResult>(["verify", "--sample", "60"], env)).drifted).toBe(0);
  });

  it("--timelines cassandra:// keeps timelines and last-seen times in the keyspace", async () => {
    const seed = await json<SeedReport>(["seed", "--synthetic", "--users", "60", "--celebrities", "1", "--seed", "7"], {
      ...allCassandra,
    });
    expect(seed.users).toMatchObject({ imported: 0, existing: 60 });
    expect(seed.timelines).toEqual({ mode: "built", method: "rebuilt", users: 60 });
    // Last-seen times written by the seed process are read by this one: nobody counts as inactive.
    const verify = await json<VerifyResult>(["verify", "--sample", "60"], allCassandra);
    expect(verify).toMatchObject({ checked: 60, drifted: 0, inactive: 0, cold: 0 });
    const { rows } = await client.execute(`SELECT count(*) AS n FROM "${keyspace}".user_activity`);
    expect(Number(rows[0]!.n)).toBe(60);

    const post = await json<PostResult>(["post", "@u2", "stored in cassandra"], allCassandra);
    const reader = (
      await client.execute(`SELECT follower_id FROM "${keyspace}".followers WHERE followee_id = ? LIMIT 1`, ["2"], {
        prepare: true,
      })
    ).rows[0]!.follower_id;
    const page = await json<TimelineResult>(["timeline", String(reader), "--limit", "1"], allCassandra);
    expect(page.items.map((i) => i.id)).toEqual([post.post.id]);
    const row = await client.execute(
      `SELECT post_id FROM "${keyspace}".timelines WHERE user_id = ? AND post_id = ?`,
      [String(reader), post.post.id],
      { prepare: true },
    );
    expect(row.rows).toHaveLength(1);
  });

  it("an unreachable node, an un-migrated keyspace, a bad URL or data center: one line, exit 1", async () => {
    const never = `cassandra://${contactPoint}/fe_never_migrated`;
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [
        ["migrate", "--source", "cassandra://127.0.0.1:1/feed"],
        {},
        /^feed-engine: cannot reach Cassandra at 127\.0\.0\.1:1 \(--source\): connection refused \(ECONNREFUSED\); check that Cassandra is running/,
      ],
      [
        ["timeline", "@u1", "--timelines", "cassandra://127.0.0.1:1/feed"],
        env,
        /^feed-engine: cannot reach Cassandra at 127\.0\.0\.1:1 \(--timelines\): connection refused/,
      ],
      [
        ["timeline", "@u1", "--source", never],
        env,
        /^feed-engine: keyspace "fe_never_migrated" is not migrated in cassandra:\/\/\S+ \(--source\): run `feed-engine migrate --source cassandra:\/\/\S+\/fe_never_migrated` first$/,
      ],
      [
        ["verify", "--timelines", never],
        env,
        /^feed-engine: keyspace "fe_never_migrated" is not migrated in \S+ \(--timelines\): run `feed-engine migrate --source cassandra:\/\/\S+ --timelines cassandra:\/\/\S+\/fe_never_migrated` first$/,
      ],
      [
        ["migrate", "--source", `cassandra://${contactPoint}`],
        {},
        /^feed-engine: --source: cassandra:\/\/ needs a keyspace: cassandra:\/\/host:9042\/keyspace \(got "cassandra:\/\/\S+"\); expected /,
      ],
      [
        ["migrate", "--source", `${url}?dc=no_such_dc`],
        {},
        /^feed-engine: Cassandra at \S+ \(--source\) has no data center "no_such_dc" \(from \?dc= in --source\); /,
      ],
      [
        ["migrate", "--source", `${url}?rf=3`],
        {},
        /^feed-engine: --source: cassandra:\/\/ takes one option, \?dc=<local data center> \(got /,
      ],
      [
        ["migrate", "--source", url],
        { FEED_ENGINE_CASSANDRA_DC: "no_such_dc" },
        /^feed-engine: Cassandra at \S+ \(--source\) has no data center "no_such_dc" \(from FEED_ENGINE_CASSANDRA_DC\); its data centers: /,
      ],
    ];
    for (const [args, e, stderr] of cases) {
      const r = await cli(args, e, 30_000);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(1);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr.trim(), args.join(" ")).toMatch(stderr);
    }
  });
});

/**
 * The readers of the home-timeline benchmark: classes of users by how many accounts they follow, and the check that
 * every approach returns the same page for each of them.
 */
import { type Engines, naiveSql, PAGE } from "./home-engines.js";
import type { Fixture } from "./home-fixture.js";

/** Users who follow about the same number of accounts, read in turn by a row. */
export interface ReaderClass {
  label: string;
  ids: string[];
  following: number[];
  pulledFollowees: number[];
  followeePosts: number[];
  /** EXPLAIN ANALYZE execution time of the naive query for the first reader, ms. */
  naivePlanMs: number;
}

/** Picks `count` users following about 50 and about 500 accounts, and the one who follows the most. */
export async function pickReaders(f: Fixture, count: number): Promise<ReaderClass[]> {
  const s = `"${f.schema}"`;
  const nearest = async (target: number, limit: number) =>
    (
      await f.pool.query<{ id: string }>(
        `SELECT user_id::text AS id FROM ${s}.follow_counts ORDER BY abs(following - $1), user_id LIMIT $2`,
        [target, limit],
      )
    ).rows.map((row) => row.id);
  const [top] = (
    await f.pool.query<{ following: string }>(`SELECT max(following)::text AS following FROM ${s}.follow_counts`)
  ).rows;
  const most = Number(top!.following);
  const classes: Array<[string, string[]]> = [
    ["~50", await nearest(50, count)],
    ["~500", await nearest(500, count)],
    [`the most (${most.toLocaleString("en")})`, await nearest(most, 1)],
  ];
  const out: ReaderClass[] = [];
  for (const [label, ids] of classes) {
    const { rows } = await f.pool.query<{ following: string; pulled: string; posts: string }>(
      `SELECT count(f.followee_id)::text AS following, count(pa.user_id)::text AS pulled,
              coalesce(sum(pc.posts), 0)::text AS posts
       FROM unnest($1::bigint[]) WITH ORDINALITY AS r(id, ord)
       LEFT JOIN ${s}.follows f ON f.follower_id = r.id
       LEFT JOIN ${s}.pulled_authors pa ON pa.user_id = f.followee_id
       LEFT JOIN ${s}.post_counts pc ON pc.author_id = f.followee_id
       GROUP BY r.id, r.ord ORDER BY r.ord`,
      [ids],
    );
    const plan = await f.pool.query<{ "QUERY PLAN": string }>(`EXPLAIN ANALYZE ${naiveSql(f.schema)}`, [ids[0]]);
    const timing = plan.rows.map((row) => row["QUERY PLAN"]).find((line) => line.startsWith("Execution Time"));
    out.push({
      label,
      ids,
      following: rows.map((row) => Number(row.following)),
      pulledFollowees: rows.map((row) => Number(row.pulled)),
      followeePosts: rows.map((row) => Number(row.posts)),
      naivePlanMs: Number(/([\d.]+) ms/.exec(timing ?? "")?.[1]),
    });
  }
  return out;
}

/**
 * Every approach must answer the same question. The engine's page holds the reader's own posts too (read-your-writes);
 * without them it must be the naive query's first rows, and every engine mode must return the same page.
 */
export async function verifyPages(engines: Engines, f: Fixture, classes: readonly ReaderClass[]): Promise<number> {
  let checked = 0;
  for (const reader of classes.flatMap((c) => c.ids)) {
    const hybridPage = (await engines.hybrid.homeTimeline(reader, { limit: PAGE })).items;
    const pullPage = (await engines.pullOnly.homeTimeline(reader, { limit: PAGE })).items;
    const separatePage = (await engines.hybridSeparate.homeTimeline(reader, { limit: PAGE })).items;
    const naive = (await f.pool.query<{ id: string }>(naiveSql(f.schema).replace("p.*", "p.id::text"), [reader])).rows;
    const ids = hybridPage.map((item) => item.id);
    const others = hybridPage.filter((item) => item.post.authorId !== reader).map((item) => item.id);
    const problems = [
      ids.length === PAGE ? "" : `hybrid returned ${ids.length} items`,
      ids.join() === pullPage.map((item) => item.id).join() ? "" : "hybrid and pull-all pages differ",
      ids.join() === separatePage.map((item) => item.id).join() ? "" : "hybrid with and without homeContext differ",
      others.join() ===
      naive
        .slice(0, others.length)
        .map((row) => row.id)
        .join()
        ? ""
        : "engine and naive differ",
    ].filter((problem) => problem !== "");
    if (problems.length > 0) throw new Error(`reader ${reader}: ${problems.join("; ")}`);
    checked++;
  }
  return checked;
}

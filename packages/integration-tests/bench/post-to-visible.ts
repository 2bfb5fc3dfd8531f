/**
 * Post-to-visible latency through the full write path (issue #4): `post()` returns once the post is in PostgreSQL and
 * its event is acknowledged by Kafka; a fan-out worker in another process consumes it and pushes it into the
 * followers' Redis timelines. Measured from the moment `post()` returns to the moment the entry is readable in a
 * follower's timeline: the first follower in fan-out order and the last (the whole audience done), for an author with
 * 100 followers and one with 10,000. Prints a Markdown report on stdout, progress on stderr.
 *
 *   pnpm -s build && cd packages/integration-tests && npx tsx bench/post-to-visible.ts [--posts 100] [--gap-ms 100]
 *
 * Servers: FEED_ENGINE_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * FEED_ENGINE_BENCH_REDIS_URL (default redis://127.0.0.1:6379), FEED_ENGINE_BENCH_KAFKA (default 127.0.0.1:9092).
 * Everything goes to a fresh schema, key prefix and topic prefix, removed at the end.
 */
import { randomBytes } from "node:crypto";
import { availableParallelism, cpus } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { KafkaEventBus, quietLogCreator } from "@feed-engine/adapter-kafka";
import { migrate } from "@feed-engine/adapter-postgres";
import { createFeedEngine, type FeedEngine, type UserId } from "@feed-engine/core";
import { Kafka, logLevel } from "kafkajs";
import pg from "pg";
import { openStores } from "../test/worker-process/open-stores.js";
import { emptyStores, kafkaCleanup } from "../test/worker-process/run-reset.js";
import { policyOf, type WorkerConfig } from "../test/worker-process/worker-config.js";
import { startWorker } from "../test/worker-process/worker-process.js";

const AUDIENCES = [100, 10_000] as const;
const log = (line: string) => process.stderr.write(`${line}\n`);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const { values } = parseArgs({
  options: { posts: { type: "string", default: "100" }, "gap-ms": { type: "string", default: "100" } },
});
const posts = Number(values.posts);
const gapMs = Number(values["gap-ms"]);
const tag = randomBytes(4).toString("hex");
const schema = `fe_bench_${tag}`;
const postgresUrl = process.env.FEED_ENGINE_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const brokers = (process.env.FEED_ENGINE_BENCH_KAFKA ?? "127.0.0.1:9092").split(",");
const config: WorkerConfig = {
  source: { kind: "postgres", url: postgresUrl, schema },
  redis: { url: process.env.FEED_ENGINE_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379", prefix: `fe_bench_${tag}:` },
  kafka: { brokers, prefix: `fe_bench_${tag}.`, partitions: 6 },
  // Both authors are pushed: the point is the push path's latency.
  policy: { kind: "hybrid", celebrityThreshold: 100_000, inactiveAfterDays: null },
  timelineCap: 800,
  backfillLimit: 100,
  fanoutBatchSize: 1_000,
};

const pool = new pg.Pool({ connectionString: postgresUrl, max: 2 });
const opened = await openStores(config);
const admin = new Kafka({ brokers, logLevel: logLevel.ERROR, logCreator: quietLogCreator }).admin();
const bus = new KafkaEventBus({ brokers, prefix: config.kafka.prefix, partitions: config.kafka.partitions });
const engine: FeedEngine = createFeedEngine({
  stores: opened.stores,
  bus,
  policy: policyOf(config.policy),
  runWorkers: false,
});

/** Polls `follower`'s materialized timeline until its newest entry is `postId`; resolves to that time. */
async function visible(follower: UserId, postId: string, deadline: number): Promise<number> {
  for (;;) {
    const slice = await opened.stores.timelines.read(follower, { limit: 1 });
    if (slice?.ids[0] === postId) return performance.now();
    if (performance.now() > deadline) throw new Error(`post ${postId} not visible to ${follower} after 30 s`);
    await sleep(1);
  }
}

async function main(): Promise<void> {
  await migrate({ pool, schema });
  await admin.connect();
  // Ids: authors 1 and 2; followers from 1,000 up, so the followers of author 2 include those of author 1.
  const maxAudience = Math.max(...AUDIENCES);
  const users = [
    { id: "1", handle: "author100" },
    { id: "2", handle: "author10k" },
    ...Array.from({ length: maxAudience }, (_, i) => ({ id: String(1_000 + i), handle: `reader${i}` })),
  ];
  const t0 = performance.now();
  await engine.importUsers(users);
  const edges: Array<[UserId, UserId]> = [];
  AUDIENCES.forEach((audience, a) => {
    for (let i = 0; i < audience; i++) edges.push([String(1_000 + i), String(a + 1)]);
  });
  await engine.importFollows(edges);
  for (const u of users) await opened.stores.timelines.fill(u.id, [], "0");
  log(`loaded ${users.length} users and ${edges.length} follows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const worker = await startWorker(config);
  log(`worker ready (pid ${worker.pid})`);
  const rows: string[] = [];
  try {
    // Warm-up: the first events pay for connections and the group join.
    for (const author of ["1", "2"]) await engine.post(author, { text: "warm-up" });
    await engine.drain();
    for (const [a, audience] of AUDIENCES.entries()) {
      const author = String(a + 1);
      const first = "1000";
      const last = String(1_000 + audience - 1);
      const firstMs: number[] = [];
      const lastMs: number[] = [];
      for (let i = 0; i < posts; i++) {
        const post = await engine.post(author, { text: `post ${i}` });
        const returned = performance.now();
        const deadline = returned + 30_000;
        const [f, l] = await Promise.all([visible(first, post.id, deadline), visible(last, post.id, deadline)]);
        firstMs.push(f - returned);
        lastMs.push(l - returned);
        await sleep(gapMs);
      }
      const f = [...firstMs].sort((x, y) => x - y);
      const l = [...lastMs].sort((x, y) => x - y);
      const fmt = (n: number) => n.toFixed(1);
      rows.push(
        `| ${audience.toLocaleString("en-US")} | ${posts} | ${fmt(percentile(f, 50))} / ${fmt(percentile(f, 99))} | ` +
          `${fmt(percentile(l, 50))} / ${fmt(percentile(l, 99))} / ${fmt(l[l.length - 1] ?? Number.NaN)} |`,
      );
      log(`author with ${audience} followers: done`);
    }
  } finally {
    const code = await worker.stop();
    if (code !== 0) log(`worker exited with code ${code}`);
  }
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(`Post-to-visible latency, ${new Date().toISOString()}, ${availableParallelism()} cores (${cpu}).`);
  console.log(`One worker process (Kafka consumer groups, ${config.kafka.partitions} partitions per topic), Redis`);
  console.log(`timelines, PostgreSQL source of truth; one post at a time, ${gapMs} ms apart; polled every ~1 ms.\n`);
  console.log("| followers | posts | first follower p50 / p99 ms | last follower p50 / p99 / max ms |");
  console.log("| --------: | ----: | --------------------------: | -------------------------------: |");
  for (const row of rows) console.log(row);
}

try {
  await main();
} finally {
  await engine.close();
  await bus.close();
  await kafkaCleanup(admin, config.kafka.prefix).catch(() => {});
  await admin.disconnect();
  await emptyStores(pool, schema, opened).catch(() => {});
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.end();
  await opened.close();
}

/**
 * Timeline write throughput and read latency of CassandraTimelineStore against a real Cassandra node (default
 * 127.0.0.1:9042), from this one Node process.
 *
 *   pnpm --filter @feed-engine/adapter-cassandra bench [--timelines 1000] [--posts 40] [--full-posts 40]
 *                                                      [--reads 2000] [--concurrency 64] [--contact 127.0.0.1:9042]
 *                                                      [--dc datacenter1] [--json]
 *
 * 1. growing: `--timelines` empty complete timelines; `--posts` posts, each pushed to all of them as one fan-out batch
 *    of `--timelines` followers (one `push` call, `--concurrency` timelines in flight), one batch at a time: every
 *    push is one head read and one single-partition batch.
 * 2. rebuild: the same timelines are filled to the cap (800) with `fill` (rows written in batches of 100).
 * 3. at the cap: `--full-posts` more posts pushed the same way. The steady state of an active reader: every push trims
 *    (reads the oldest entry, raises the floor), one push in 100 recounts the timeline, one range delete per 100 trims.
 * 4. reads: `--reads` page reads of 20 entries, one at a time, from timelines picked by a fixed-seed generator;
 *    latency p50/p99/max as seen by the caller (one single-partition read each).
 * 5. raw: the same number of rows as phase 1 written as bare prepared `INSERT`s (no read, no state, no cap), with
 *    the same concurrency: what this node takes from this process at most, for comparison.
 *
 * Everything is written to a fresh keyspace, dropped at the end (also on failure). Progress goes to stderr; the
 * results go to stdout as a markdown table (or JSON with --json).
 */
import { parseArgs } from "node:util";
import { snowflakeAt } from "@feed-engine/core";
import cassandra from "cassandra-driver";
import pLimit from "p-limit";
import { CassandraTimelineStore, migrate } from "../src/index.js";

const CAP = 800;
/** Posts are one second apart, starting at a fixed time: real Snowflake ids, the same on every run. */
const START = Date.UTC(2026, 0, 1);

const { values } = parseArgs({
  options: {
    timelines: { type: "string", default: "1000" },
    posts: { type: "string", default: "40" },
    "full-posts": { type: "string", default: "40" },
    reads: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "64" },
    contact: { type: "string", default: process.env.FEED_ENGINE_TEST_CASSANDRA ?? "127.0.0.1:9042" },
    dc: { type: "string", default: "datacenter1" },
    json: { type: "boolean", default: false },
  },
});
const timelines = Number(values.timelines);
const posts = Number(values.posts);
const fullPosts = Number(values["full-posts"]);
const reads = Number(values.reads);
const concurrency = Number(values.concurrency);

interface Phase {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const postId = (n: number) => snowflakeAt(START + n * 1000);

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timed(rows: number, work: () => Promise<void>): Promise<Phase> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rows, seconds, rowsPerSecond: rows / seconds };
}

async function main(): Promise<void> {
  const client = new cassandra.Client({ contactPoints: [values.contact], localDataCenter: values.dc });
  const keyspace = `fe_bench_${process.pid}`;
  await client.connect();
  const release = (await client.execute("SELECT release_version FROM system.local")).rows[0]?.release_version;
  try {
    log(`Cassandra ${release} at ${values.contact}: migrating ${keyspace}`);
    await migrate({ client, keyspace });
    const store = new CassandraTimelineStore({ client, keyspace, cap: CAP, concurrency });
    const users = Array.from({ length: timelines }, (_, i) => String(1_000_000 + i));
    for (const user of users) await store.fill(user, [], "0");

    log(`growing: ${posts} posts x ${timelines} followers`);
    const growing = await timed(posts * timelines, async () => {
      for (let n = 0; n < posts; n++) {
        const held = await store.push(users, postId(n));
        if (held !== timelines) throw new Error(`push ${n} reached ${held} of ${timelines} timelines`);
      }
    });

    log(`rebuild: fill ${timelines} timelines to ${CAP} entries`);
    const history = Array.from({ length: CAP }, (_, i) => postId(10_000 + CAP - 1 - i));
    const rebuild = await timed(timelines * CAP, async () => {
      for (const user of users) await store.fill(user, history, "0");
    });

    log(`at the cap: ${fullPosts} posts x ${timelines} followers`);
    const atCap = await timed(fullPosts * timelines, async () => {
      for (let n = 0; n < fullPosts; n++) {
        const held = await store.push(users, postId(20_000 + n));
        if (held !== timelines) throw new Error(`push ${n} reached ${held} of ${timelines} timelines`);
      }
    });
    const check = await store.read(users[0]!, { limit: CAP + 10 });
    if (check?.ids.length !== CAP) throw new Error(`a timeline holds ${check?.ids.length} entries, not ${CAP}`);

    log(`reads: ${reads} pages of 20`);
    const random = lcg(20261121);
    const latencies: number[] = [];
    for (let i = 0; i < reads; i++) {
      const user = users[Math.floor(random() * users.length)]!;
      const started = process.hrtime.bigint();
      const page = await store.read(user, { limit: 20 });
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (page?.ids.length !== 20) throw new Error(`read ${i} returned ${page?.ids.length} entries`);
    }
    latencies.sort((a, b) => a - b);

    log(`raw: ${posts * timelines} bare INSERTs`);
    const insert = `INSERT INTO "${keyspace}".timelines (user_id, post_id) VALUES (?, ?)`;
    const limit = pLimit(concurrency);
    const raw = await timed(posts * timelines, async () => {
      const writes: Array<Promise<unknown>> = [];
      for (let n = 0; n < posts; n++) {
        const id = postId(30_000 + n);
        for (const user of users) writes.push(limit(() => client.execute(insert, [user, id], { prepare: true })));
      }
      await Promise.all(writes);
    });
    const report = {
      cassandra: release,
      timelines,
      cap: CAP,
      concurrency,
      growing,
      rebuild,
      atCap,
      raw,
      reads: {
        count: reads,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies[latencies.length - 1]!,
      },
    };
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
      return;
    }
    const row = (name: string, phase: Phase) =>
      `| ${name} | ${phase.rows.toLocaleString("en")} | ${phase.seconds.toFixed(1)} | ${Math.round(phase.rowsPerSecond).toLocaleString("en")} |`;
    console.log(
      [
        `Cassandra ${release}, one Node process, store concurrency ${concurrency}, fan-out batches of ${timelines} followers, cap ${CAP}.`,
        "",
        "| phase | timeline rows | seconds | rows/s |",
        "| --- | ---: | ---: | ---: |",
        row("push, timelines below the cap", growing),
        row("fill (rebuild) to the cap", rebuild),
        row("push, timelines at the cap (trimming)", atCap),
        row("bare prepared INSERT, no read (the node's ceiling)", raw),
        "",
        `| 20-entry page reads (${reads}, one at a time) | p50 ${report.reads.p50.toFixed(2)} ms | p99 ${report.reads.p99.toFixed(2)} ms | max ${report.reads.max.toFixed(2)} ms |`,
        "| --- | --- | --- | --- |",
      ].join("\n"),
    );
  } finally {
    await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`, [], { readTimeout: 120_000 }).catch(() => {});
    await client.shutdown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

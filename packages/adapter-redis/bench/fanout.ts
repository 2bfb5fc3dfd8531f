/**
 * Fan-out throughput of RedisTimelineStore against a real Redis (default 127.0.0.1:6379), from this one Node process,
 * next to what `redis-benchmark` gets from the same server with raw pipelined commands in the same run.
 *
 *   npx tsx bench/fanout.ts [--timelines 200000] [--posts 20] [--full-timelines 20000] [--full-posts 200]
 *                           [--concurrency 4] [--url redis://127.0.0.1:6379] [--json]
 *
 * 1. prepared: `--timelines` empty timelines are prepared, then `--posts` posts are each pushed to all of them in
 *    batches of 1,000 followers (one `push` call, so one EVALSHA, per batch), `--concurrency` batches in flight.
 * 2. at the cap: `--full-timelines` timelines are filled to 800 entries, then `--full-posts` posts are pushed the same
 *    way. This is the steady state of an active user: every push raises the floor past the oldest entry and appends
 *    in place (the 6.4 KB string is rewritten about once every 94 pushes, when its allocation is full; 200 posts
 *    include two such rewrites of every timeline).
 * 3. redis-benchmark -P 64 -n 1000000 (50 clients), three runs each, median: SET (the usual `-t set` headline: one
 *    key, a 3-byte value; here on a key under the prefix), and APPEND of 8 bytes to one of `--timelines` keys, the
 *    least a delivery could cost as a raw command (one 8-byte entry into one of many strings, with no read, dedupe,
 *    ordering, floor or cap). The ratio that matters is deliveries/s over that APPEND rate.
 *
 * Everything is written under a fresh prefix, deleted at the end (also on failure). Progress goes to stderr.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { parseArgs, promisify } from "node:util";
import { snowflakeAt } from "@feed-engine/core";
import { Redis } from "ioredis";
import { RedisTimelineStore } from "../src/index.js";

const run = promisify(execFile);
const BATCH = 1_000;

interface Options {
  url: string;
  timelines: number;
  posts: number;
  fullTimelines: number;
  fullPosts: number;
  concurrency: number;
}

interface Scenario {
  timelines: number;
  posts: number;
  entriesBefore: number;
  deliveries: number;
  seconds: number;
  deliveriesPerSecond: number;
  /** Time Redis spent in the push scripts (INFO commandstats, EVAL + EVALSHA) per delivery, in microseconds. */
  redisMicrosPerDelivery: number;
  bytesPerEntry: number;
}

interface Report {
  redis: string;
  concurrency: number;
  batch: number;
  prepared: Scenario;
  atCap: Scenario;
  redisBenchmark: {
    set: { median: number; runs: number[] };
    append: { median: number; runs: number[] };
    commands: { set: string; append: string };
  };
  ratio: { preparedOverAppend: number; atCapOverAppend: number; preparedOverSet: number; atCapOverSet: number };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Runs `task(i)` for i in [0, count) with at most `limit` in flight. */
async function pool(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

const postId = (n: number) => snowflakeAt(Date.UTC(2026, 0, 1) + n * 1000);

async function scenario(
  client: Redis,
  store: RedisTimelineStore,
  name: string,
  timelines: number,
  posts: number,
  fill: number,
  concurrency: number,
): Promise<Scenario> {
  const users = Array.from({ length: timelines }, (_, i) => String(1_000_000 + i));
  const history = Array.from({ length: fill }, (_, i) => postId(fill - i));
  log(`${name}: preparing ${timelines} timelines with ${fill} entries each`);
  await pool(timelines, 256, async (i) => {
    if (fill === 0) await store.prepare(users[i]!);
    else await store.fill(users[i]!, history, "0");
  });
  const batches: string[][] = [];
  for (let at = 0; at < users.length; at += BATCH) batches.push(users.slice(at, at + BATCH));
  log(`${name}: pushing ${posts} posts to ${timelines} timelines in ${batches.length} batches each`);
  let deliveries = 0;
  const scriptTimeBefore = await scriptMicros(client);
  const started = process.hrtime.bigint();
  await pool(posts * batches.length, concurrency, async (i) => {
    const post = postId(fill + 1 + Math.floor(i / batches.length));
    const holding = await store.push(batches[i % batches.length]!, post);
    deliveries += holding;
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const scriptTime = (await scriptMicros(client)) - scriptTimeBefore;
  const expected = posts * timelines;
  if (deliveries !== expected) throw new Error(`${name}: ${deliveries} deliveries, expected ${expected}`);
  const entries = Math.min(fill + posts, store.cap);
  const sample = users.slice(0, 50);
  let bytes = 0;
  for (const userId of sample) bytes += Number(await client.memory("USAGE", store.keyOf(userId), "SAMPLES", 0));
  const result = {
    timelines,
    posts,
    entriesBefore: fill,
    deliveries,
    seconds,
    deliveriesPerSecond: deliveries / seconds,
    redisMicrosPerDelivery: scriptTime / deliveries,
    bytesPerEntry: bytes / sample.length / entries,
  };
  log(`${name}: ${Math.round(result.deliveriesPerSecond).toLocaleString("en")} deliveries/s`);
  return result;
}

/** Microseconds Redis has spent running scripts so far (other clients' scripts count too). */
async function scriptMicros(client: Redis): Promise<number> {
  const stats = await client.info("commandstats");
  let micros = 0;
  for (const match of stats.matchAll(/^cmdstat_(?:eval|evalsha):calls=\d+,usec=(\d+)/gm)) micros += Number(match[1]);
  return micros;
}

/** Requests per second of one redis-benchmark run (`-q` prints "<label>: <rate> requests per second"). */
async function redisBenchmarkOnce(url: URL, args: string[]): Promise<number> {
  const host = url.hostname;
  const port = url.port || "6379";
  const { stdout } = await run(
    "redis-benchmark",
    ["-h", host, "-p", port, "-q", "-P", "64", "-n", "1000000", ...args],
    {
      maxBuffer: 1 << 20,
    },
  );
  const rates = [...stdout.matchAll(/([\d.]+) requests per second/g)].map((m) => Number(m[1]));
  const rate = rates.at(-1);
  if (rate === undefined) throw new Error(`could not read redis-benchmark's output: ${stdout}`);
  return rate;
}

/** The median of three redis-benchmark runs (this machine is shared, so single runs vary), and all three. */
async function redisBenchmark(url: URL, args: string[]): Promise<{ median: number; runs: number[] }> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) runs.push(await redisBenchmarkOnce(url, args));
  return { median: [...runs].sort((a, b) => a - b)[1]!, runs };
}

async function deleteUnder(client: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 5_000);
    cursor = next;
    if (keys.length > 0) deleted += await client.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}

export async function benchFanout(options: Options): Promise<Report> {
  const client = new Redis(options.url);
  const prefix = `fe-bench-${randomUUID().slice(0, 8)}:`;
  try {
    const prepared = await scenario(
      client,
      new RedisTimelineStore({ client, prefix: `${prefix}prepared:` }),
      "prepared",
      options.timelines,
      options.posts,
      0,
      options.concurrency,
    );
    await deleteUnder(client, `${prefix}prepared:`);
    const atCap = await scenario(
      client,
      new RedisTimelineStore({ client, prefix: `${prefix}full:` }),
      "at the cap",
      options.fullTimelines,
      options.fullPosts,
      800,
      options.concurrency,
    );
    await deleteUnder(client, `${prefix}full:`);
    const url = new URL(options.url);
    // `-t set` would write the shared key "key:__rand_int__"; the same SET (a 3-byte value) on a key of ours instead.
    const set = `-q -P 64 -n 1000000 SET ${prefix}set xxx`;
    const append = `-q -P 64 -n 1000000 -r ${options.timelines} APPEND ${prefix}append:__rand_int__ 12345678`;
    log("redis-benchmark: SET");
    const setRate = await redisBenchmark(url, ["SET", `${prefix}set`, "xxx"]);
    log("redis-benchmark: APPEND");
    const appendRate = await redisBenchmark(url, [
      "-r",
      String(options.timelines),
      "APPEND",
      `${prefix}append:__rand_int__`,
      "12345678",
    ]);
    return {
      redis: options.url,
      concurrency: options.concurrency,
      batch: BATCH,
      prepared,
      atCap,
      redisBenchmark: { set: setRate, append: appendRate, commands: { set, append } },
      ratio: {
        preparedOverAppend: prepared.deliveriesPerSecond / appendRate.median,
        atCapOverAppend: atCap.deliveriesPerSecond / appendRate.median,
        preparedOverSet: prepared.deliveriesPerSecond / setRate.median,
        atCapOverSet: atCap.deliveriesPerSecond / setRate.median,
      },
    };
  } finally {
    const deleted = await deleteUnder(client, prefix);
    log(`deleted ${deleted} keys under ${prefix}`);
    client.disconnect();
  }
}

function print(report: Report): void {
  const n = (x: number) => Math.round(x).toLocaleString("en");
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const line = (name: string, s: Scenario) =>
    `${name.padEnd(12)} ${n(s.deliveriesPerSecond).padStart(10)} deliveries/s  (${n(s.deliveries)} deliveries to ` +
    `${n(s.timelines)} timelines of ${s.entriesBefore} entries in ${s.seconds.toFixed(2)} s; ` +
    `Redis ${s.redisMicrosPerDelivery.toFixed(2)} µs/delivery; ${s.bytesPerEntry.toFixed(2)} bytes/entry)`;
  console.log(`RedisTimelineStore.push, batches of ${report.batch}, ${report.concurrency} in flight, ${report.redis}`);
  console.log(line("prepared", report.prepared));
  console.log(line("at the cap", report.atCap));
  const bench = (command: string, rate: { median: number; runs: number[] }) =>
    `redis-benchmark ${command}: ${n(rate.median)}/s (median of ${rate.runs.map(n).join(", ")})`;
  console.log(bench(report.redisBenchmark.commands.set, report.redisBenchmark.set));
  console.log(bench(report.redisBenchmark.commands.append, report.redisBenchmark.append));
  console.log(
    `ratio to APPEND: prepared ${pct(report.ratio.preparedOverAppend)}, at the cap ${pct(report.ratio.atCapOverAppend)}` +
      `; to SET: prepared ${pct(report.ratio.preparedOverSet)}, at the cap ${pct(report.ratio.atCapOverSet)}`,
  );
}

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "redis://127.0.0.1:6379" },
    timelines: { type: "string", default: "200000" },
    posts: { type: "string", default: "20" },
    "full-timelines": { type: "string", default: "20000" },
    "full-posts": { type: "string", default: "200" },
    concurrency: { type: "string", default: "4" },
    json: { type: "boolean", default: false },
  },
});

const report = await benchFanout({
  url: values.url,
  timelines: Number(values.timelines),
  posts: Number(values.posts),
  fullTimelines: Number(values["full-timelines"]),
  fullPosts: Number(values["full-posts"]),
  concurrency: Number(values.concurrency),
});
if (values.json) console.log(JSON.stringify(report, null, 2));
else print(report);

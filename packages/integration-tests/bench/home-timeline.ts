/**
 * Home timeline latency on real servers (issue #3): the engine (hybrid fan-out, Redis timelines, PostgreSQL as the
 * source of truth) against the naive query (follows joined to posts, newest 20) and the engine's pull-only mode on
 * PostgreSQL alone, on the ego-Twitter graph, at fixed offered rates, open loop. Also the Redis memory of every
 * user's materialized timeline and the one-time load timings. Prints a Markdown report on stdout, progress on stderr.
 *
 *   cd packages/integration-tests && npx tsx bench/home-timeline.ts [--rates 500,1000,2000] [--warmup 3]
 *     [--duration 10] [--posts-per-user 20] [--readers 8] [--pool 16] [--rebuild-concurrency 32] [--dataset PATH]
 *     [--approaches hybrid,ceiling,floor,separate,pull,naive; also uncached] [--repeat 1]
 *
 * Approaches: hybrid (PostgreSQL stores with `homeContext`: one statement per read), ceiling (that statement alone,
 * run by pgbench at the same rate; needs `pgbench` on PATH), floor (a Redis round trip then a PostgreSQL one from
 * this process through the same clients, doing nothing: the two hops every read pays), uncached (hybrid with the
 * followee cache off; not run by default), separate (the same engine without `homeContext`, so a read takes five
 * queries), pull (pull-all on PostgreSQL alone), naive (the SQL query). `--repeat N`
 * measures every row N times, in N rounds over all rows, so a row's spread between runs shows in one load.
 *
 * Servers: FEED_ENGINE_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) and
 * FEED_ENGINE_BENCH_REDIS_URL (default redis://127.0.0.1:6379). Everything is written to a fresh schema
 * `fe_bench_<hex>` and under a fresh key prefix, both removed at the end, on failure and on Ctrl-C.
 */
import { randomBytes } from "node:crypto";
import { availableParallelism, cpus, totalmem } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { PostgresHomeContextStore, postgresStores } from "@feed-engine/adapter-postgres";
import { RedisActivityStore, RedisTimelineStore } from "@feed-engine/adapter-redis";
import {
  createFeedEngine,
  type FeedEngine,
  hybrid,
  MemoryEventBus,
  PullOnlyTimelineStore,
  pullAll,
} from "@feed-engine/core";
import { Redis } from "ioredis";
import pg from "pg";
import { type CpuSplit, meterCpu, waitForQuiet } from "./host-cpu.js";
import { type LoadReport, loadEgoTwitter } from "./load-ego-twitter.js";
import { type OpenLoopResult, openLoop } from "./open-loop.js";
import { type CapturedStatement, capturing, pgbenchCeiling } from "./pgbench-ceiling.js";
import { type RowStalls, watchRow } from "./row-stalls.js";
import { materializeAll, type TimelineMemoryReport } from "./timeline-memory.js";

const CELEBRITY_THRESHOLD = 1_000;
const TIMELINE_CAP = 800;
const PAGE = 20;
const HISTORY_DAYS = 30;
const MEMORY_SAMPLE = 800;

interface Options {
  dataset: string;
  rates: number[];
  warmupMs: number;
  measureMs: number;
  postsPerUser: number;
  readers: number;
  pool: number;
  rebuildConcurrency: number;
  approaches: string[];
  repeat: number;
  postgresUrl: string;
  redisUrl: string;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      dataset: { type: "string" },
      rates: { type: "string", default: "500,1000,2000" },
      warmup: { type: "string", default: "3" },
      duration: { type: "string", default: "10" },
      "posts-per-user": { type: "string", default: "20" },
      readers: { type: "string", default: "8" },
      pool: { type: "string", default: "16" },
      "rebuild-concurrency": { type: "string", default: "32" },
      approaches: { type: "string", default: DEFAULT_APPROACHES.join(",") },
      repeat: { type: "string", default: "1" },
    },
  });
  const positive = (name: string, text: string) => {
    const n = Number(text);
    if (!(n > 0)) throw new Error(`--${name} must be a positive number (got ${JSON.stringify(text)})`);
    return n;
  };
  return {
    dataset:
      values.dataset === undefined
        ? fileURLToPath(new URL("../../../../shared/datasets/ego-twitter/twitter_combined.txt.gz", import.meta.url))
        : resolve(values.dataset),
    rates: values.rates.split(",").map((rate) => positive("rates", rate)),
    warmupMs: positive("warmup", values.warmup) * 1000,
    measureMs: positive("duration", values.duration) * 1000,
    postsPerUser: Math.round(positive("posts-per-user", values["posts-per-user"])),
    readers: Math.round(positive("readers", values.readers)),
    pool: Math.round(positive("pool", values.pool)),
    rebuildConcurrency: Math.round(positive("rebuild-concurrency", values["rebuild-concurrency"])),
    approaches: values.approaches.split(",").map((key) => {
      if (!(APPROACH_KEYS as readonly string[]).includes(key)) {
        throw new Error(`--approaches takes ${APPROACH_KEYS.join(", ")} (got ${JSON.stringify(key)})`);
      }
      return key;
    }),
    repeat: Math.round(positive("repeat", values.repeat)),
    postgresUrl: process.env.FEED_ENGINE_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    redisUrl: process.env.FEED_ENGINE_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
  };
}

// ---- the fixture: a schema and a key prefix of this run, removed however the run ends ----

interface Fixture {
  schema: string;
  prefix: string;
  pool: pg.Pool;
  redis: Redis;
  /** Drops the schema and deletes the prefix's keys; safe to call more than once. */
  remove: () => Promise<void>;
}

function openFixture(o: Options): Fixture {
  const tag = randomBytes(5).toString("hex");
  const schema = `fe_bench_${tag}`;
  const prefix = `fe_bench:${tag}:`;
  const pool = new pg.Pool({ connectionString: o.postgresUrl, max: o.pool, application_name: schema });
  // Connections of ours that remove() ends while in use (Ctrl-C during the load) must not crash the process first.
  let removing = false;
  const report = (error: Error) => {
    if (!removing) log(`postgres: ${error.message}`);
  };
  pool.on("error", report);
  pool.on("connect", (client) => client.on("error", report));
  const redis = new Redis(o.redisUrl);
  let removed: Promise<void> | undefined;
  const remove = () => {
    // No write of ours may reach Redis after the keys are deleted: close our connection first.
    redis.disconnect();
    removing = true;
    removed ??= removeEverything(o, schema, prefix);
    return removed;
  };
  return { schema, prefix, pool, redis, remove };
}

async function removeEverything(o: Options, schema: string, prefix: string): Promise<void> {
  log(`cleanup: dropping schema ${schema} and keys ${prefix}*`);
  const admin = new pg.Client({ connectionString: o.postgresUrl, application_name: `${schema}_cleanup` });
  await admin.connect();
  try {
    // Only this run's own connections (named after its schema): a COPY still running must not hold DROP back.
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
      [schema],
    );
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await admin.end();
  }
  const redis = new Redis(o.redisUrl);
  try {
    let deleted = 0;
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    }
    log(`cleanup: ${deleted} keys unlinked`);
  } finally {
    redis.disconnect();
  }
}

// ---- what is measured ----

interface Approach {
  name: string;
  /** Reads one page of 20 and returns how many items it held. */
  read?: (readerId: string) => Promise<number>;
  /** Or runs the whole row itself (the pgbench ceiling). */
  run?: (o: Options, rate: number, readers: ReaderClass) => Promise<OpenLoopResult>;
}

function naiveSql(schema: string): string {
  return `SELECT p.* FROM "${schema}".follows f JOIN "${schema}".posts p ON p.author_id = f.followee_id
    WHERE f.follower_id = $1 AND NOT p.deleted ORDER BY p.id DESC LIMIT ${PAGE}`;
}

interface Engines {
  hybrid: FeedEngine;
  /** The same hybrid engine's stores without `homeContext`: the reader's context in four queries, then hydration. */
  hybridSeparate: FeedEngine;
  /** The hybrid engine with the followee cache off (`followeeCacheIds: 0`): every read ships the followee list. */
  hybridUncached: FeedEngine;
  pullOnly: FeedEngine;
  timelines: RedisTimelineStore;
  close: () => Promise<void>;
}

function createEngines(f: Fixture): Engines {
  const { pool, schema, redis, prefix } = f;
  const sourceOfTruth = postgresStores({ pool, schema });
  const { homeContext: _, ...oneByOne } = sourceOfTruth;
  const timelines = new RedisTimelineStore({ client: redis, prefix, cap: TIMELINE_CAP });
  const activity = new RedisActivityStore({ client: redis, prefix });
  const buses = [new MemoryEventBus(), new MemoryEventBus(), new MemoryEventBus(), new MemoryEventBus()] as const;
  const policy = () => hybrid({ celebrityThreshold: CELEBRITY_THRESHOLD, inactiveAfterDays: null });
  const hybridEngine = createFeedEngine({
    policy: policy(),
    stores: { ...sourceOfTruth, timelines, activity },
    bus: buses[0],
  });
  const hybridSeparate = createFeedEngine({
    policy: policy(),
    stores: { ...oneByOne, timelines, activity },
    bus: buses[2],
  });
  const hybridUncached = createFeedEngine({
    policy: policy(),
    stores: {
      ...sourceOfTruth,
      homeContext: new PostgresHomeContextStore({ pool, schema, followeeCacheIds: 0 }),
      timelines,
      activity,
    },
    bus: buses[3],
  });
  // PostgreSQL alone: nothing materialized, every read merges the followees' posts (last-seen times in memory).
  const pullOnly = createFeedEngine({
    policy: pullAll(),
    stores: { ...sourceOfTruth, timelines: new PullOnlyTimelineStore() },
    bus: buses[1],
  });
  return {
    hybrid: hybridEngine,
    hybridSeparate,
    hybridUncached,
    pullOnly,
    timelines,
    close: async () => {
      await hybridEngine.close();
      await hybridSeparate.close();
      await hybridUncached.close();
      await pullOnly.close();
      for (const bus of buses) await bus.close();
    },
  };
}

const HYBRID = "engine: hybrid, Redis timelines + PostgreSQL";
const CEILING = "ceiling: the hybrid read's one PostgreSQL statement alone, from pgbench";
const FLOOR = "floor: one Redis and one PostgreSQL round trip from Node, no work";

/** The approaches `--approaches` can name, in the order they run. */
const APPROACH_KEYS = ["hybrid", "ceiling", "floor", "uncached", "separate", "pull", "naive"] as const;
/** What runs without `--approaches`: all but `uncached`, which is an A/B of one option. */
const DEFAULT_APPROACHES = APPROACH_KEYS.filter((key) => key !== "uncached");

/**
 * The statement the hybrid engine sends PostgreSQL for a page of `readerId`'s (context and hydration, given the
 * reader's timeline entries), captured with its values from a context store of its own over the same pool: the
 * second read's, as in the steady state, when the store has the reader's followee list cached.
 */
async function hybridStatement(engines: Engines, f: Fixture, readerId: string): Promise<CapturedStatement> {
  const capture = capturing(f.pool);
  const store = new PostgresHomeContextStore({ pool: capture.pool, schema: f.schema });
  const slice = await engines.timelines.read(readerId, { limit: PAGE + 1 });
  const page = { limit: PAGE + 1, ...(slice === null ? {} : { timeline: slice }) };
  for (let read = 0; read < 2; read++) await store.homeContext(readerId, page);
  const statement = capture.last();
  if (statement === undefined) throw new Error("no statement captured");
  return statement;
}

function approaches(engines: Engines, f: Fixture, keys: readonly string[]): Approach[] {
  const naive = naiveSql(f.schema);
  const statements = new Map<ReaderClass, Promise<CapturedStatement>>();
  const page = (engine: FeedEngine) => async (id: string) =>
    (await engine.homeTimeline(id, { limit: PAGE })).items.length;
  const all: Record<(typeof APPROACH_KEYS)[number], Approach> = {
    hybrid: { name: HYBRID, read: page(engines.hybrid) },
    ceiling: {
      name: CEILING,
      run: async (o, rate, readers) => {
        if (!statements.has(readers)) statements.set(readers, hybridStatement(engines, f, readers.ids[0]!));
        const statement = await statements.get(readers)!;
        const { warmupMs, measureMs, pool: clients, postgresUrl } = o;
        return pgbenchCeiling({ postgresUrl, statement, rate, warmupMs, measureMs, clients: Math.min(clients, 4) });
      },
    },
    floor: {
      name: FLOOR,
      // What any read built on these two servers pays on this machine before doing anything: the engine's two hops
      // (Redis, then PostgreSQL) through the same clients, with a 1-byte key and a one-value prepared statement.
      read: async (id) => {
        await f.redis.get(`${f.prefix}floor`);
        await f.pool.query({ name: "fe_bench_floor", text: "SELECT $1::bigint AS id", values: [id] });
        return 0;
      },
    },
    uncached: { name: "engine: the same, followee cache off", read: page(engines.hybridUncached) },
    separate: { name: "engine: the same, context in 4 queries (no homeContext)", read: page(engines.hybridSeparate) },
    pull: { name: "engine: pull-all, PostgreSQL only", read: page(engines.pullOnly) },
    naive: {
      name: "naive SQL (follows JOIN posts)",
      read: async (id) => (await f.pool.query(naive, [id])).rowCount ?? 0,
    },
  };
  return APPROACH_KEYS.filter((key) => keys.includes(key)).map((key) => all[key]);
}

// ---- readers ----

interface ReaderClass {
  label: string;
  ids: string[];
  following: number[];
  pulledFollowees: number[];
  followeePosts: number[];
  /** EXPLAIN ANALYZE execution time of the naive query for the first reader, ms. */
  naivePlanMs: number;
}

async function pickReaders(f: Fixture, count: number): Promise<ReaderClass[]> {
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
async function verifyPages(engines: Engines, f: Fixture, classes: readonly ReaderClass[]): Promise<number> {
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

// ---- the runs ----

interface Measurement {
  readers: ReaderClass;
  approach: string;
  result: OpenLoopResult;
  /** CPU time of this Node process (user + system) per request sent, warm-up included, ms. */
  nodeCpuMs: number;
  cpu: CpuSplit;
  /** The host's background load just before the row, and how long the row waited for it to drop. */
  quiet: { background: number; waitedMs: number };
  stalls: RowStalls;
  /** 1-based, of `--repeat`. */
  round: number;
}

/** Before each row, wait until under 10% of the host's cores are busy over a second (at most 5 minutes). */
const QUIET = { threshold: 0.1, windowMs: 1_000, maxWaitMs: 300_000 };

/** Which processes serve this benchmark: this one, its PostgreSQL backends, the Redis server. */
async function ourProcesses(f: Fixture): Promise<(pid: number) => boolean> {
  const { rows } = await f.pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [
    f.schema,
  ]);
  const backends = new Set(rows.map((row) => row.pid));
  const redisPid = Number(/^process_id:(\d+)/m.exec(await f.redis.info("server"))?.[1]);
  return (pid) => pid === process.pid || pid === redisPid || backends.has(pid);
}

/** PostgreSQL's checkpoint counters: checkpoints begun and buffers they wrote. */
function checkpointCounters(f: Fixture) {
  return async () => {
    const { rows } = await f.pool.query<{ checkpoints: string; buffers: string }>(
      `SELECT (checkpoints_timed + checkpoints_req)::text AS checkpoints, buffers_checkpoint::text AS buffers
       FROM pg_stat_bgwriter`,
    );
    return { checkpoints: Number(rows[0]!.checkpoints), buffers: Number(rows[0]!.buffers) };
  };
}

async function measureAll(o: Options, f: Fixture, all: readonly Approach[], classes: readonly ReaderClass[]) {
  const out: Measurement[] = [];
  for (let round = 1; round <= o.repeat; round++) {
    out.push(...(await measureRound(o, f, all, classes, round)));
  }
  return out;
}

async function measureRound(
  o: Options,
  f: Fixture,
  all: readonly Approach[],
  classes: readonly ReaderClass[],
  round: number,
) {
  const out: Measurement[] = [];
  for (const readers of classes) {
    for (const rate of o.rates) {
      for (const approach of all) {
        const quiet = await waitForQuiet(QUIET.threshold, QUIET.windowMs, QUIET.maxWaitMs);
        const stopWatching = await watchRow(checkpointCounters(f));
        const nodeCpu = process.cpuUsage();
        const stopMeter = meterCpu();
        const { read, run } = approach;
        const result =
          run !== undefined
            ? await run(o, rate, readers)
            : await openLoop({
                rate,
                warmupMs: o.warmupMs,
                measureMs: o.measureMs,
                maxOutstanding: 2 * rate,
                request: (i) => read!(readers.ids[i % readers.ids.length]!),
              });
        const used = process.cpuUsage(nodeCpu);
        const cpu = stopMeter(await ourProcesses(f));
        const stalls = await stopWatching();
        const nodeCpuMs = (used.user + used.system) / 1000 / result.sent;
        log(
          `${o.repeat > 1 ? `round ${round}: ` : ""}${readers.label} @ ${rate}/s ${approach.name}: ` +
            `p50 ${ms(result.p50)} p99 ${ms(result.p99)} max ${ms(result.max)} ms (at ${result.worstAtSeconds.toFixed(1)} s), ` +
            `achieved ${result.achievedPerSecond.toFixed(0)}/s${result.saturated ? " (saturated)" : ""}` +
            `, other work ${percent(cpu.othersMs / cpu.wallMs / cpu.cores)}, ${stallText(stalls)}`,
        );
        out.push({ readers, approach: approach.name, result, nodeCpuMs, cpu, quiet, stalls, round });
      }
    }
  }
  return out;
}

// ---- the report ----

const int = (n: number) => Math.round(n).toLocaleString("en");
const percent = (share: number) => `${(100 * share).toFixed(0)}%`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function ms(value: number): string {
  if (Number.isNaN(value)) return "-";
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return int(value);
}

function range(values: readonly number[]): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? int(low) : `${int(low)}-${int(high)}`;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

interface Machine {
  cpus: string;
  node: string;
  postgres: string;
  redis: string;
}

async function describeMachine(f: Fixture): Promise<Machine> {
  const settings = await f.pool.query<{ version: string; shared_buffers: string }>(
    "SELECT current_setting('server_version') AS version, current_setting('shared_buffers') AS shared_buffers",
  );
  const server = await f.redis.info("server");
  const { version, shared_buffers } = settings.rows[0]!;
  return {
    cpus: `nproc ${availableParallelism()} (${cpus()[0]?.model.trim() ?? "?"}), ${int(totalmem() / 2 ** 30)} GiB RAM`,
    node: `Node ${process.version}`,
    postgres: `PostgreSQL ${version} (shared_buffers ${shared_buffers})`,
    redis: `Redis ${/^redis_version:(\S+)/m.exec(server)?.[1] ?? "?"}`,
  };
}

interface Results {
  machine: Machine;
  load: LoadReport;
  memory: TimelineMemoryReport;
  /** CPU split of the load and of the rebuild of every timeline (other work would skew their timings). */
  loadCpu: CpuSplit;
  rebuildCpu: CpuSplit;
  classes: ReaderClass[];
  checked: number;
  /** Seconds the CHECKPOINT after the load and the rebuild took. */
  checkpointSeconds: number;
  runs: Measurement[];
  startedAt: Date;
  seconds: number;
}

const otherShare = (cpu: CpuSplit) => percent(cpu.othersMs / cpu.wallMs / cpu.cores);

function printReport(o: Options, results: Results): void {
  const { machine, load, memory, classes, checked, checkpointSeconds, runs, startedAt, seconds } = results;
  const args = process.argv.slice(2).join(" ");
  const lines = [
    "# Home timeline: feed-engine on Redis + PostgreSQL vs the naive query",
    "",
    `Command: \`cd packages/integration-tests && npx tsx bench/home-timeline.ts${args ? ` ${args}` : ""}\``,
    `(after \`pnpm -s build\`; also \`pnpm --filter @feed-engine/integration-tests bench\`). Run on ${startedAt.toISOString()}, ${seconds.toFixed(0)} s wall.`,
    "",
    `Machine: ${machine.cpus}; ${machine.node}; ${machine.postgres}; ${machine.redis}. The servers and the one Node`,
    `process that both offers the load and runs the engine share the machine; all traffic on 127.0.0.1. pg.Pool max`,
    `${o.pool}; one ioredis connection.`,
    "",
    "## Data and one-time load",
    "",
    "| figure | value |",
    "| --- | ---: |",
    `| users / follows | ${int(load.users)} / ${int(load.follows)} (${int(load.edgesInFile)} edges in the file, ${load.selfLoops} self-loops skipped) |`,
    `| posts | ${int(load.posts)}: ${o.postsPerUser} per user, evenly over ${HISTORY_DAYS} days |`,
    `| pulled authors (>= ${int(CELEBRITY_THRESHOLD)} followers) | ${load.pulledAuthors} |`,
    ...load.seconds.map(([step, s]) => `| load: ${step} | ${s.toFixed(2)} s |`),
    `| load total | ${load.seconds.reduce((sum, [, s]) => sum + s, 0).toFixed(1)} s (other work on the host: ${otherShare(results.loadCpu)}) |`,
    "",
    "## Every timeline materialized in Redis",
    "",
    "| figure | value |",
    "| --- | ---: |",
    `| rebuild ${int(memory.timelines)} timelines (\`engine.rebuildTimeline\`, ${memory.concurrency} at a time) | ${memory.seconds.toFixed(1)} s (${int(memory.timelines / memory.seconds)}/s; other work on the host: ${otherShare(results.rebuildCpu)}) |`,
    `| entries | ${int(memory.entries)} (${int(memory.fullTimelines)} timelines at the ${TIMELINE_CAP} cap) |`,
    `| INFO memory used_memory delta | ${mb(memory.usedMemoryDelta)} (${(memory.usedMemoryDelta / memory.entries).toFixed(1)} bytes per entry, keys and overhead included) |`,
    `| sum of MEMORY USAGE over the timeline keys | ${mb(memory.keyBytes)} (${(memory.keyBytes / memory.entries).toFixed(1)} bytes per entry) |`,
    `| MEMORY USAGE per entry, ${memory.sampled} timelines of ${TIMELINE_CAP} entries | ${memory.fullBytesPerEntry.toFixed(2)} bytes |`,
    "",
    "## Readers",
    "",
    "| readers | users | following | pulled accounts followed (mean) | followees' posts (mean) | naive query, EXPLAIN ANALYZE (first reader) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...classes.map(
      (c) =>
        `| ${c.label} | ${c.ids.length} | ${range(c.following)} | ${mean(c.pulledFollowees).toFixed(1)} | ${int(mean(c.followeePosts))} | ${ms(c.naivePlanMs)} ms |`,
    ),
    "",
    `Checked before measuring: for all ${checked} readers the three engine modes return the same ${PAGE} items, and without`,
    "the reader's own posts (the engine's read-your-writes) they are the naive query's first rows. Then PostgreSQL",
    `checkpointed (\`CHECKPOINT\`, ${checkpointSeconds.toFixed(1)} s), so that no row pays for writing out the load's pages.`,
    "",
    `## Home timeline, ${PAGE} hydrated items: latency at fixed offered rates`,
    "",
    `- engine, hybrid: \`homeTimeline(reader, { limit: ${PAGE} })\` on Redis timelines (cap ${TIMELINE_CAP}) and last-seen`,
    `  times, PostgreSQL for users, graph and posts; \`hybrid({ celebrityThreshold: ${CELEBRITY_THRESHOLD}, inactiveAfterDays: null })\`.`,
    "  The reader's timeline entries and last-seen time come from Redis first; then one PostgreSQL statement",
    "  (`PostgresHomeContextStore`, from `postgresStores`) reads the reader's context (reader, followees, blocks, pulled",
    "  authors and their recent posts) and hydrates the page's first candidates. The store caches followee lists (the",
    "  statement ships one only when its version moved), as it does by default.",
    "- ceiling: the one PostgreSQL statement the hybrid row sends per read (context and hydration), with the values it",
    "  sends for the class's first reader once the followee list is cached, run by `pgbench -M prepared -R <rate>` (C, libpq, at most 4 connections) for",
    "  the same warm-up and duration, latency from each transaction's scheduled start: what this machine gives that",
    "  statement alone at the same rate, with no Node, no Redis and no page to build.",
    "- engine, the same without `homeContext`: the engine asks the user, graph and post stores one by one (four",
    "  queries, then a fifth to hydrate, where the hybrid row makes one): the A/B of that change, in the same run.",
    "- engine, pull-all: the same call with `pullAll()` and `PullOnlyTimelineStore`: PostgreSQL only, every read merges",
    "  the followees' posts (one LATERAL query, newest per followee).",
    "- naive SQL: `SELECT p.* FROM follows f JOIN posts p ON p.author_id = f.followee_id WHERE f.follower_id = $1 AND",
    `  NOT p.deleted ORDER BY p.id DESC LIMIT ${PAGE}\`: the post rows only (no like counts, originals of reposts, block`,
    "  checks or the reader's own posts, all of which the engine's page has).",
    "",
    `Open loop: request i is sent at start + i/rate on its own promise; latency runs from that intended time to the`,
    `page in hand (coordinated omission corrected). ${o.warmupMs / 1000} s warm-up, then ${o.measureMs / 1000} s measured, per row;`,
    "requests cycle through the class's readers. Saturated: the backlog passed 2 s of requests and sending stopped;",
    "figures then cover every request sent and are lower bounds.",
    "",
    "CPU ms per request sent (warm-up included), from /proc: Node is this process (engine, pool, clients, load",
    "generator); all is the whole host's busy time minus other work, i.e. Node + PostgreSQL + Redis + the kernel.",
    "Other work: CPU of processes that are not this benchmark's (this process, its PostgreSQL backends, PostgreSQL's",
    `background processes, the Redis server), as a share of the host's cores. Each row first waited for a quiet host`,
    `(under ${percent(QUIET.threshold)} busy over ${QUIET.windowMs / 1000} s, at most ${QUIET.maxWaitMs / 60_000} min).`,
    "",
    "Pauses: the garbage collector's in this process (count, total, longest), the event loop's delay sampled every",
    "millisecond (p99, max), and PostgreSQL checkpoints (buffers they wrote during the row). A max latency whose second",
    "into the row (warm-up included) matches a pause shows where the tail came from. Heap allocated per read is this",
    "process's JavaScript heap growth between collections over the row (v8.GCProfiler), warm-up included.",
    "",
    "| readers | offered/s | approach | achieved/s | p50 ms | p99 ms | max ms (at s) | naive ÷ this, p50 / p99 | CPU ms/read, Node / all; Node heap allocated/read | other work | pauses |",
    "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...runs.map((run) => tableRow(run, runs)),
    "",
    ...otherWorkLines(runs),
    ...targetLines(runs, classes),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

function tableRow(run: Measurement, runs: readonly Measurement[]): string {
  const r = run.result;
  const naive = runs.find(
    (other) =>
      other.readers === run.readers &&
      other.round === run.round &&
      other.result.offeredPerSecond === r.offeredPerSecond &&
      other.approach.startsWith("naive"),
  )?.result;
  const ceiling = run.approach === CEILING;
  const ratio = naive === undefined || ceiling ? "-" : ratioText(naive, r);
  const mark = r.saturated ? "≥ " : "";
  const achieved = `${int(r.achievedPerSecond)}${r.saturated ? ` (saturated at ${r.stoppedAfterSeconds?.toFixed(1)} s)` : ""}`;
  const errors = r.errors > 0 ? ` (${r.errors} errors: ${r.firstError})` : "";
  const label = runs.some((other) => other.round > 1) ? `${run.readers.label}, run ${run.round}` : run.readers.label;
  const worst = `${mark}${ms(r.max)} (${r.worstAtSeconds.toFixed(1)})`;
  return `| ${label} | ${int(r.offeredPerSecond)} | ${run.approach}${errors} | ${achieved} | ${mark}${ms(r.p50)} | ${mark}${ms(r.p99)} | ${worst} | ${ratio} | ${ceiling ? "- (pgbench)" : `${run.nodeCpuMs.toFixed(2)} / ${(run.cpu.oursMs / r.sent).toFixed(2)}; ${(run.stalls.allocatedBytes / r.sent / 1024).toFixed(0)} KiB`} | ${otherWork(run)} | ${stallText(run.stalls)} |`;
}

/** The row's pauses: the collector's, the event loop's lateness, PostgreSQL checkpoints. */
function stallText(s: RowStalls): string {
  const checkpoint =
    s.checkpoints > 0 || s.checkpointBuffers > 0
      ? `checkpoint writes ${int(s.checkpointBuffers)} buffers${s.checkpoints > 0 ? ` (${s.checkpoints} begun)` : ""}`
      : "no checkpoint writes";
  return (
    `GC ${s.gcPauses} pauses (${s.gcMajorPauses} old-generation), ${ms(s.gcTotalMs)} ms in all, max ${ms(s.gcMaxMs)}, ` +
    `heap ${mb(s.heapUsedBytes)} at the end; ` +
    `loop delay p99 ${ms(s.loopDelayP99Ms)} max ${ms(s.loopDelayMaxMs)} ms; ${checkpoint}`
  );
}

function otherWork(run: Measurement): string {
  const { cpu, quiet } = run;
  const share = cpu.othersMs / cpu.wallMs / cpu.cores;
  const notQuiet = quiet.background >= QUIET.threshold ? `, ${percent(quiet.background)} busy at the start` : "";
  return `${percent(share)}${share >= 0.05 || notQuiet ? " ⚠" : ""}${notQuiet}`;
}

/** Names the other work behind every flagged row. */
function otherWorkLines(runs: readonly Measurement[]): string[] {
  const flagged = runs.filter((run) => otherWork(run).includes("⚠"));
  if (flagged.length === 0) return ["No row shared the host with other work (under 5% of its cores)."];
  return [
    "⚠ Rows that shared the host with other work (their latencies are skewed by it):",
    "",
    ...flagged.map(
      (run) =>
        `- ${run.readers.label} @ ${int(run.result.offeredPerSecond)}/s, ${run.approach}: ${run.cpu.topOthers.join("; ")}`,
    ),
    "",
  ];
}

/** naive ÷ this for p50 and p99; a saturated side's figures are lower bounds, which bounds the ratio one way. */
function ratioText(naive: OpenLoopResult, r: OpenLoopResult): string {
  if (naive === r) return "1×";
  if (naive.saturated && r.saturated) return "- (both saturated)";
  const mark = naive.saturated ? "≥ " : r.saturated ? "≤ " : "";
  const times = (a: number, b: number) => `${a / b >= 10 ? int(a / b) : (a / b).toPrecision(2)}×`;
  return `${mark}${times(naive.p50, r.p50)} / ${mark}${times(naive.p99, r.p99)}`;
}

function targetLines(runs: readonly Measurement[], classes: readonly ReaderClass[]): string[] {
  const at1000 = runs.filter((run) => run.approach === HYBRID && run.result.offeredPerSecond === 1000);
  if (at1000.length === 0) return [];
  const verdicts = classes.map((c) => {
    const mine = at1000.filter((r) => r.readers === c);
    if (mine.length === 0) return "";
    const met = mine.filter((run) => !run.result.saturated && run.result.p99 <= 5).length;
    const p99s = mine.map((run) => `${run.result.saturated ? "≥ " : ""}${ms(run.result.p99)}`).join(", ");
    if (mine.length === 1) return `${c.label}: p99 ${p99s} ms, ${met === 1 ? "met" : "MISSED"}`;
    return `${c.label}: p99 ${p99s} ms, met in ${met} of ${mine.length}`;
  });
  const lines = [`Target, hybrid p99 <= 5 ms at 1,000 reads/s: ${verdicts.filter((v) => v !== "").join("; ")}.`];
  const floors = runs.filter((run) => run.approach === FLOOR && run.result.offeredPerSecond === 1000);
  if (floors.length > 0) {
    const met = floors.filter((run) => !run.result.saturated && run.result.p99 <= 5).length;
    lines.push(
      "",
      `The floor (two round trips, no work) at 1,000 reads/s: p99 ${floors.map((run) => ms(run.result.p99)).join(", ")} ms, ` +
        `within 5 ms in ${met} of ${floors.length}.`,
    );
  }
  return lines;
}

// ---- main ----

async function main(): Promise<void> {
  const startedAt = new Date();
  const began = performance.now();
  const o = parseOptions();
  const f = openFixture(o);
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    f.remove().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let engines: Engines | undefined;
  try {
    const machine = await describeMachine(f);
    log(`schema ${f.schema}, key prefix ${f.prefix}`);
    let stopMeter = meterCpu();
    const load = await loadEgoTwitter({
      pool: f.pool,
      schema: f.schema,
      dataset: o.dataset,
      postsPerUser: o.postsPerUser,
      historyDays: HISTORY_DAYS,
      celebrityThreshold: CELEBRITY_THRESHOLD,
      now: Date.now() - 60_000,
      log,
    });
    const loadCpu = stopMeter(await ourProcesses(f));
    engines = createEngines(f);
    const { rows } = await f.pool.query<{ id: string }>(`SELECT id::text AS id FROM "${f.schema}".users ORDER BY id`);
    log(`rebuilding ${rows.length} timelines...`);
    stopMeter = meterCpu();
    const memory = await materializeAll(
      engines.hybrid,
      engines.timelines,
      f.redis,
      rows.map((row) => row.id),
      { concurrency: o.rebuildConcurrency, sample: MEMORY_SAMPLE, log },
    );
    const rebuildCpu = stopMeter(await ourProcesses(f));
    const classes = await pickReaders(f, o.readers);
    const checked = await verifyPages(engines, f, classes);
    // The load and its VACUUM dirtied hundreds of MB of pages; a checkpoint would otherwise write them out during the
    // first minutes of measuring, which is the bulk load's cost, not the reads'. Rows still report any checkpoint.
    log("checkpoint: writing out the load's pages before measuring...");
    const checkpointStarted = performance.now();
    await f.pool.query("CHECKPOINT");
    const checkpointSeconds = (performance.now() - checkpointStarted) / 1000;
    const runs = await measureAll(o, f, approaches(engines, f, o.approaches), classes);
    const seconds = (performance.now() - began) / 1000;
    const results = { machine, load, memory, loadCpu, rebuildCpu, classes, checked, checkpointSeconds, runs };
    printReport(o, { ...results, startedAt, seconds });
  } finally {
    await engines?.close();
    await f.remove();
    await f.pool.end();
    f.redis.disconnect();
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});

/**
 * Home timeline latency on real servers (issue #3): the engine (hybrid fan-out, Redis timelines, PostgreSQL as the
 * source of truth) against the naive query (follows joined to posts, newest 20) and the engine's pull-only mode on
 * PostgreSQL alone, on the ego-Twitter graph, at fixed offered rates, open loop. Also the Redis memory of every
 * user's materialized timeline and the one-time load timings. Prints a Markdown report on stdout, progress on stderr.
 *
 *   cd packages/integration-tests && npx tsx bench/home-timeline.ts [--rates 500,1000,2000] [--warmup 20]
 *     [--duration 10] [--posts-per-user 20] [--readers 8] [--pool 16] [--rebuild-concurrency 32] [--dataset PATH]
 *     [--approaches hybrid,hybrid-defaults,ceiling,floor,separate,pull,naive; also uncached, no-post-cache] [--repeat 1]
 *
 * Approaches: hybrid (PostgreSQL stores with `homeContext`: one statement per read), hybrid-defaults (the same engine
 * in a process with Node's default heap settings), ceiling (that statement alone, run by pgbench at the same rate;
 * needs `pgbench` on PATH), floor (a Redis round trip then a PostgreSQL one through the same clients, doing
 * nothing: the two hops every read pays), uncached (hybrid with the context store's caches off) and no-post-cache
 * (its post content cache off; neither runs by default), separate (the same engine without `homeContext`, so a read
 * takes five queries), pull (pull-all on PostgreSQL alone), naive (the SQL query). `--repeat N` measures every row N
 * times, in N rounds over all rows, so a row's spread between runs shows in one load.
 *
 * Every row but the ceiling runs in a fresh child Node process of its own (`home-read-row.ts`), as a server embedding
 * the engine is a process of its own: the read tail is set by the garbage collector of the process serving the reads,
 * so each row starts from a clean heap, not this process's, which loaded the data. The child runs with
 * `RECOMMENDED_NODE_FLAGS` (home-approaches.ts), hybrid-defaults with none (Node's default heap settings; NODE_OPTIONS
 * is not passed on). This process loads, materializes, checks the pages and runs pgbench.
 *
 * Servers: FEED_ENGINE_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) and
 * FEED_ENGINE_BENCH_REDIS_URL (default redis://127.0.0.1:6379). Everything is written to a fresh schema
 * `fe_bench_<hex>` and under a fresh key prefix, both removed at the end, on failure and on Ctrl-C (a row's child is
 * ended first).
 */
import { CELEBRITY_THRESHOLD, createEngines, type Engines } from "./home-engines.js";
import { openFixture } from "./home-fixture.js";
import { approaches, measureAll, ourProcesses } from "./home-measure.js";
import { HISTORY_DAYS, parseOptions } from "./home-options.js";
import { pickReaders, verifyPages } from "./home-readers.js";
import { describeMachine, printReport, progressLine } from "./home-report.js";
import { meterCpu } from "./host-cpu.js";
import { loadEgoTwitter } from "./load-ego-twitter.js";
import { materializeAll } from "./timeline-memory.js";

const MEMORY_SAMPLE = 800;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const startedAt = new Date();
  const began = performance.now();
  const o = parseOptions();
  const f = openFixture(o, log);
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
    engines = createEngines({ pool: f.pool, schema: f.schema, prefix: f.prefix, redis: () => f.redis });
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
    const all = approaches(o, engines, f, o.approaches);
    const runs = await measureAll(o, f, all, classes, (row) => log(progressLine(row, o.repeat)));
    const seconds = (performance.now() - began) / 1000;
    const results = { machine, load, memory, loadCpu, rebuildCpu, classes, checked, checkpointSeconds, runs };
    printReport(o, all, { ...results, startedAt, seconds });
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

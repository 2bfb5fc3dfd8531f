/**
 * The home-timeline benchmark's report: a Markdown document of the machine, the load, the timelines' memory, the
 * readers and every row, on stdout; and the line each row logs to stderr as it ends.
 */
import { availableParallelism, cpus, totalmem } from "node:os";
import { CEILING, FLOOR, HYBRID, HYBRID_DEFAULTS, RECOMMENDED_NODE_FLAGS } from "./home-approaches.js";
import { CELEBRITY_THRESHOLD, PAGE, TIMELINE_CAP } from "./home-engines.js";
import type { Fixture } from "./home-fixture.js";
import { type Approach, type Measurement, QUIET } from "./home-measure.js";
import { HISTORY_DAYS, type Options } from "./home-options.js";
import type { ReaderClass } from "./home-readers.js";
import type { CpuSplit } from "./host-cpu.js";
import type { LoadReport } from "./load-ego-twitter.js";
import type { OpenLoopResult } from "./open-loop.js";
import type { RowStalls } from "./row-stalls.js";
import type { TimelineMemoryReport } from "./timeline-memory.js";

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

/** The machine and server versions, for the report's header. */
export interface Machine {
  cpus: string;
  node: string;
  postgres: string;
  redis: string;
}

/** Describes the host, Node and the two servers. */
export async function describeMachine(f: Fixture): Promise<Machine> {
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

/** Everything the report shows. */
export interface Results {
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

/** Prints the report of a run of `all` approaches on stdout, as Markdown. */
export function printReport(o: Options, all: readonly Approach[], results: Results): void {
  const { machine, load, memory, classes, checked, checkpointSeconds, runs, startedAt, seconds } = results;
  const args = process.argv.slice(2).join(" ");
  const lines = [
    "# Home timeline: feed-engine on Redis + PostgreSQL vs the naive query",
    "",
    `Command: \`cd packages/integration-tests && npx tsx bench/home-timeline.ts${args ? ` ${args}` : ""}\``,
    `(after \`pnpm -s build\`; also \`pnpm --filter @feed-engine/integration-tests bench\`). Run on ${startedAt.toISOString()}, ${seconds.toFixed(0)} s wall.`,
    "",
    `Machine: ${machine.cpus}; ${machine.node}; ${machine.postgres}; ${machine.redis}. The servers, the benchmark's`,
    "process (it loads the data, checks the pages and runs pgbench) and the Node process that serves each Node row (a",
    "fresh child per row, started with explicit V8 flags: the engine, pool, clients and load generator) share the",
    `machine; all traffic on 127.0.0.1. The child's pg.Pool: max ${o.pool}, every connection opened before the row and`,
    "kept open for it (`idleTimeoutMillis: 0`: pg's default ends a connection idle for 10 s, and the next burst opens",
    "new ones that must prepare every statement again, 8-40 ms stalls when we measured it); one ioredis connection.",
    ...nodeFlagLines(all),
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
    "  statement ships one only when its version moved) and post content (timeline entries it holds come back as like",
    "  counts, not rows), as it does by default; each row's child starts with both caches empty.",
    "- engine, hybrid with Node's default heap settings: the same engine and reads as the hybrid row, served by a",
    "  child started without V8 flags: the A/B of the recommended heap setting, in the same load.",
    "- ceiling: the one PostgreSQL statement the hybrid row sends per read (context and hydration), with the values it",
    "  sends for the class's first reader once the followee list and the page's posts are cached, run by `pgbench -M prepared -R <rate>` (C, libpq, at most 4 connections) for",
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
    "CPU ms per request sent (warm-up included), from /proc: Node is the child process serving the row (engine, pool,",
    "clients, load generator; its own `process.cpuUsage()` around the open loop); all is the whole host's busy time",
    "minus other work, i.e. Node + PostgreSQL + Redis + the kernel (and the benchmark's process, idle while a row",
    "runs). Other work: CPU of processes that are not this benchmark's (its process, the row's child, their PostgreSQL",
    "backends, PostgreSQL's background processes, the Redis server), as a share of the host's cores. Each row first",
    "started its child (which connected and built its engine), then waited for a quiet host",
    `(under ${percent(QUIET.threshold)} busy over ${QUIET.windowMs / 1000} s, at most ${QUIET.maxWaitMs / 60_000} min).`,
    "",
    "Pauses: the garbage collector's in the child process serving the row (count, total, longest), its event loop's",
    "delay sampled every millisecond (p99, max), and PostgreSQL checkpoints (buffers they wrote during the row). A max",
    "latency whose second into the row (warm-up included) matches a pause shows where the tail came from. Heap",
    "allocated per read is the child's JavaScript heap growth between collections over the row (v8.GCProfiler),",
    "warm-up included. For the ceiling they are the benchmark's own process, which only waits for pgbench.",
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

/** The line a row logs to stderr as it ends. */
export function progressLine(row: Measurement, repeat: number): string {
  const { result, cpu } = row;
  return (
    `${repeat > 1 ? `round ${row.round}: ` : ""}${row.readers.label} @ ${result.offeredPerSecond}/s ${row.approach}: ` +
    `p50 ${ms(result.p50)} p99 ${ms(result.p99)} max ${ms(result.max)} ms (at ${result.worstAtSeconds.toFixed(1)} s), ` +
    `achieved ${result.achievedPerSecond.toFixed(0)}/s${result.saturated ? " (saturated)" : ""}` +
    `, other work ${percent(cpu.othersMs / cpu.wallMs / cpu.cores)}, ${stallText(row.stalls)}`
  );
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

/** Which Node flags each Node row's child ran with. */
function nodeFlagLines(all: readonly Approach[]): string[] {
  const byFlags = new Map<string, string[]>();
  for (const approach of all) {
    if (!("nodeFlags" in approach)) continue;
    const flags = approach.nodeFlags.map((flag) => `\`${flag}\``).join(" ") || "none (Node's default heap settings)";
    byFlags.set(flags, [...(byFlags.get(flags) ?? []), approach.key]);
  }
  if (byFlags.size === 0) return [];
  const recommended = RECOMMENDED_NODE_FLAGS.map((flag) => `\`${flag}\``).join(" ");
  return [
    "",
    `Node flags of each row's child: ${[...byFlags].map(([flags, keys]) => `${keys.join(", ")}: ${flags}`).join("; ")}.`,
    `${recommended} is the setting we recommend for a server (\`RECOMMENDED_NODE_FLAGS\`): V8 starts incremental`,
    "marking as soon as the old generation's headroom to its limit is smaller than the young generation's capacity;",
    "Node 24's default young generation of up to 64 MB keeps a small-heap server marking almost continuously, and a",
    "16 MB semi-space keeps the young generation under that headroom.",
  ];
}

/** The read target (p99 <= 5 ms at 1,000 reads/s) judged for hybrid, with our heap flags and with Node's defaults. */
function targetLines(runs: readonly Measurement[], classes: readonly ReaderClass[]): string[] {
  const verdicts = [
    verdictLine(runs, classes, HYBRID, "hybrid"),
    verdictLine(runs, classes, HYBRID_DEFAULTS, "hybrid with Node's default heap settings,"),
  ].filter((line) => line !== undefined);
  if (verdicts.length === 0) return [];
  const lines = verdicts.flatMap((line, i) => (i === 0 ? [line] : ["", line]));
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

/** "Target, <label> p99 <= 5 ms at 1,000 reads/s: ..." over the `approach` rows at 1,000/s, if there are any. */
function verdictLine(
  runs: readonly Measurement[],
  classes: readonly ReaderClass[],
  approach: string,
  label: string,
): string | undefined {
  const at1000 = runs.filter((run) => run.approach === approach && run.result.offeredPerSecond === 1000);
  if (at1000.length === 0) return undefined;
  const verdicts = classes.map((c) => {
    const mine = at1000.filter((r) => r.readers === c);
    if (mine.length === 0) return "";
    const met = mine.filter((run) => !run.result.saturated && run.result.p99 <= 5).length;
    const p99s = mine.map((run) => `${run.result.saturated ? "≥ " : ""}${ms(run.result.p99)}`).join(", ");
    if (mine.length === 1) return `${c.label}: p99 ${p99s} ms, ${met === 1 ? "met" : "MISSED"}`;
    return `${c.label}: p99 ${p99s} ms, met in ${met} of ${mine.length}`;
  });
  return `Target, ${label} p99 <= 5 ms at 1,000 reads/s: ${verdicts.filter((v) => v !== "").join("; ")}.`;
}

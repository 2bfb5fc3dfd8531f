/**
 * The rows of the home-timeline benchmark: every reader class × offered rate × approach, `--repeat` times. A Node
 * row runs in a fresh child process (`home-read-row.ts`) with its approach's V8 flags, which serves the reads and
 * measures itself; the pgbench ceiling runs from this process. Before each row the host must be quiet, and while it
 * runs the host's CPU is metered.
 */
import { PostgresHomeContextStore } from "@feed-engine/adapter-postgres";
import {
  APPROACH_KEYS,
  APPROACH_NAMES,
  type ApproachKey,
  CEILING,
  type NodeApproachKey,
  nodeFlags,
} from "./home-approaches.js";
import { type Engines, PAGE } from "./home-engines.js";
import type { Fixture } from "./home-fixture.js";
import type { Options } from "./home-options.js";
import type { ReaderClass } from "./home-readers.js";
import { type CpuSplit, meterCpu, waitForQuiet } from "./host-cpu.js";
import type { OpenLoopResult } from "./open-loop.js";
import { type CapturedStatement, capturing, pgbenchCeiling } from "./pgbench-ceiling.js";
import { postgresCheckpointCounters, type RowStalls, watchRow } from "./row-stalls.js";

/** One approach as measured: Node ones in a child process, the ceiling by a function of its own. */
export type Approach =
  | { key: NodeApproachKey; name: string; nodeFlags: readonly string[] }
  | { key: "ceiling"; name: string; run: (rate: number, readers: ReaderClass) => Promise<OpenLoopResult> };

/** One measured row. */
export interface Measurement {
  readers: ReaderClass;
  approach: string;
  result: OpenLoopResult;
  /** CPU time of the Node process serving the row (user + system) per request sent, warm-up included, ms. */
  nodeCpuMs: number;
  cpu: CpuSplit;
  /** The host's background load just before the row, and how long the row waited for it to drop. */
  quiet: { background: number; waitedMs: number };
  stalls: RowStalls;
  /** 1-based, of `--repeat`. */
  round: number;
}

/** Before each row, wait until under 10% of the host's cores are busy over a second (at most 5 minutes). */
export const QUIET = { threshold: 0.1, windowMs: 1_000, maxWaitMs: 300_000 };

/**
 * The statement the hybrid engine sends PostgreSQL for a page of `readerId`'s (context and hydration, given the
 * reader's timeline entries), captured with its values from a context store of its own over the same pool: the
 * second read's, as in the steady state, when the store has the reader's followee list and the page's posts cached.
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

/** The approaches `keys` names, in the order they run. */
export function approaches(o: Options, engines: Engines, f: Fixture, keys: readonly ApproachKey[]): Approach[] {
  const statements = new Map<ReaderClass, Promise<CapturedStatement>>();
  const ceiling = async (rate: number, readers: ReaderClass) => {
    if (!statements.has(readers)) statements.set(readers, hybridStatement(engines, f, readers.ids[0]!));
    const statement = await statements.get(readers)!;
    const { warmupMs, measureMs, pool: clients, postgresUrl } = o;
    return pgbenchCeiling({ postgresUrl, statement, rate, warmupMs, measureMs, clients: Math.min(clients, 4) });
  };
  return APPROACH_KEYS.filter((key) => keys.includes(key)).map((key) =>
    key === "ceiling"
      ? { key, name: CEILING, run: ceiling }
      : { key, name: APPROACH_NAMES[key], nodeFlags: nodeFlags(key) },
  );
}

/**
 * Which processes serve this benchmark: this one, the child serving the row (`child`), their PostgreSQL backends,
 * the Redis server.
 */
export async function ourProcesses(f: Fixture, child?: number): Promise<(pid: number) => boolean> {
  const { rows } = await f.pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [
    f.schema,
  ]);
  const backends = new Set(rows.map((row) => row.pid));
  const redisPid = Number(/^process_id:(\d+)/m.exec(await f.redis.info("server"))?.[1]);
  return (pid) => pid === process.pid || pid === child || pid === redisPid || backends.has(pid);
}

/** Measures every row, `o.repeat` rounds over all of them; `onRow` hears of each as it ends. */
export async function measureAll(
  o: Options,
  f: Fixture,
  all: readonly Approach[],
  classes: readonly ReaderClass[],
  onRow: (row: Measurement) => void,
): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (let round = 1; round <= o.repeat; round++) {
    for (const readers of classes) {
      for (const rate of o.rates) {
        for (const approach of all) {
          const row =
            "run" in approach
              ? await inProcess(f, approach, rate, readers)
              : await inChild(o, f, approach, rate, readers);
          const measurement = { readers, approach: approach.name, round, ...row };
          onRow(measurement);
          out.push(measurement);
        }
      }
    }
  }
  return out;
}

type Row = Pick<Measurement, "result" | "nodeCpuMs" | "cpu" | "quiet" | "stalls">;

/** A Node row: a fresh child process with the approach's flags serves the reads and measures itself. */
async function inChild(
  o: Options,
  f: Fixture,
  approach: Extract<Approach, { nodeFlags: readonly string[] }>,
  rate: number,
  readers: ReaderClass,
): Promise<Row> {
  const { postgresUrl, redisUrl, warmupMs, measureMs, pool } = o;
  const { schema, prefix } = f;
  const input = { postgresUrl, redisUrl, schema, prefix, readerIds: readers.ids, rate, warmupMs, measureMs, pool };
  // The child starts (and compiles, connects, builds) before the quiet wait, so that its start is not counted as load.
  const child = await f.rows.start({ ...input, approach: approach.key }, approach.nodeFlags);
  const quiet = await waitForQuiet(QUIET.threshold, QUIET.windowMs, QUIET.maxWaitMs);
  const stopMeter = meterCpu();
  const { result, stalls, nodeCpuMs } = await child.measure();
  const cpu = stopMeter(await ourProcesses(f, child.pid));
  await child.finish();
  return { result, nodeCpuMs, cpu, quiet, stalls };
}

/** The pgbench ceiling, run from this process. */
async function inProcess(
  f: Fixture,
  approach: Extract<Approach, { run: unknown }>,
  rate: number,
  readers: ReaderClass,
): Promise<Row> {
  const quiet = await waitForQuiet(QUIET.threshold, QUIET.windowMs, QUIET.maxWaitMs);
  const stopWatching = await watchRow(postgresCheckpointCounters(f.pool));
  const nodeCpu = process.cpuUsage();
  const stopMeter = meterCpu();
  const result = await approach.run(rate, readers);
  const used = process.cpuUsage(nodeCpu);
  const cpu = stopMeter(await ourProcesses(f));
  const stalls = await stopWatching();
  const nodeCpuMs = (used.user + used.system) / 1000 / result.sent;
  return { result, nodeCpuMs, cpu, quiet, stalls };
}

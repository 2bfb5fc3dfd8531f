/**
 * One Node row of the home-timeline benchmark, in a process of its own: builds what the row's approach reads through
 * (and nothing else), opens its connections, then on the parent's word runs the open loop and measures, inside this
 * process, its garbage-collector pauses, event-loop delay, heap allocated and CPU. Started by
 * `home-read-row-process.ts`, which describes the protocol, with an IPC channel:
 *
 *   node [V8 flags] --import tsx home-read-row.ts '<HomeReadRowInput as JSON>'
 */
import { Redis } from "ioredis";
import pg from "pg";
import { nodeReader } from "./home-approaches.js";
import type { FromHomeReadRow, HomeReadRowInput, ToHomeReadRow } from "./home-read-row-process.js";
import { openLoop } from "./open-loop.js";
import { postgresCheckpointCounters, watchRow } from "./row-stalls.js";

function send(message: FromHomeReadRow): Promise<void> {
  if (process.send === undefined) {
    throw new Error("home-read-row.ts needs an IPC channel: start it through homeReadRows()");
  }
  return new Promise((resolve, reject) => {
    process.send?.(message, undefined, undefined, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

function next(type: ToHomeReadRow["type"]): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: ToHomeReadRow) => {
      if (message.type !== type) return;
      process.off("message", onMessage);
      resolve();
    };
    process.on("message", onMessage);
  });
}

/** Opens every connection the pool may hold, so that the row does not pay for connecting. */
async function connectAll(pool: pg.Pool, max: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: max }, () => pool.connect()));
  for (const client of clients) client.release();
}

async function run(input: HomeReadRowInput): Promise<void> {
  // Connections stay open for the row (idleTimeoutMillis 0): pg's default ends one idle for 10 s, and the next burst
  // opens new ones that must prepare every statement again (8-40 ms stalls). Named after the schema, like the
  // parent's, so that the parent counts their backends as the benchmark's and its cleanup can end them.
  const pool = new pg.Pool({
    connectionString: input.postgresUrl,
    max: input.pool,
    application_name: input.schema,
    idleTimeoutMillis: 0,
  });
  let redis: Redis | undefined;
  const { schema, prefix } = input;
  const backends = { pool, schema, prefix, redis: () => (redis ??= new Redis(input.redisUrl)) };
  const steps: Array<() => Promise<unknown>> = [() => pool.end(), async () => redis?.disconnect()];
  try {
    const reader = nodeReader(input.approach, backends);
    steps.unshift(reader.close);
    await connectAll(pool, input.pool);
    await redis?.ping();
    const started = next("start");
    await send({ type: "ready" });
    await started;
    const stopWatching = await watchRow(postgresCheckpointCounters(pool));
    const cpuAtStart = process.cpuUsage();
    const { readerIds, rate, warmupMs, measureMs } = input;
    const result = await openLoop({
      rate,
      warmupMs,
      measureMs,
      maxOutstanding: 2 * rate,
      request: (i) => reader.read(readerIds[i % readerIds.length]!),
    });
    const used = process.cpuUsage(cpuAtStart);
    const stalls = await stopWatching();
    const nodeCpuMs = (used.user + used.system) / 1000 / result.sent;
    const finished = next("finish");
    await send({ type: "result", result, stalls, nodeCpuMs });
    await finished;
  } finally {
    // Every step runs even when one fails.
    for (const step of steps) {
      await step().catch((error: unknown) => {
        process.stderr.write(`cleanup: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      });
    }
  }
}

// The parent went away (it failed or was stopped): nobody is left to measure for.
const orphaned = () => process.exit(1);
process.once("disconnect", orphaned);
try {
  await run(JSON.parse(process.argv[2] ?? "") as HomeReadRowInput);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  process.off("disconnect", orphaned);
  if (process.connected) process.disconnect();
}

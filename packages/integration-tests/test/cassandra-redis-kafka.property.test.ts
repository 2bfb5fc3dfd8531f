/**
 * The model-based property suite end to end on the design's high-write shape: Cassandra holds users, posts, likes,
 * the graph and notifications; Redis holds timelines and last-seen times; events go through a real Kafka and the
 * fan-out and notification handlers run in a worker process of their own (worker-process/worker-main.ts).
 *
 * Every run needs empty tables, and TRUNCATE on Cassandra takes a while, so runs take turns on a few keyspaces: before
 * a run the bus is drained, the worker is switched to the run's keyspace and Redis prefix, and the keyspace the last
 * run used is truncated in the background.
 *
 * Runs per property: FEED_PROPERTY_RUNS_KAFKA (default 100); commands per run: FEED_PROPERTY_COMMANDS_KAFKA (40).
 */
import { migrate } from "@feed-engine/adapter-cassandra";
import { KafkaEventBus, quietLogCreator } from "@feed-engine/adapter-kafka";
import { enginePropertySuite, PROPERTY_SUITE_SETTINGS } from "@feed-engine/core/testing";
import cassandra from "cassandra-driver";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, inject } from "vitest";
import type {} from "../../../test-support/global-setup.js";
import { openStores } from "./worker-process/open-stores.js";
import { deadLetterCount, kafkaCleanup } from "./worker-process/run-reset.js";
import { type PolicySpec, policyOf, type WorkerConfig } from "./worker-process/worker-config.js";
import { startWorker, type WorkerProcess } from "./worker-process/worker-process.js";

const POLICY: PolicySpec = { kind: "hybrid", celebrityThreshold: 2, inactiveAfterDays: 1 };
const SLOTS = 3;
const runId = inject("runId");
const keyspaces = Array.from({ length: SLOTS }, (_, i) => `fe_${runId}_e2e${i}`.slice(0, 48));
const brokers = inject("kafkaBrokers").split(",");
const config: WorkerConfig = {
  source: {
    kind: "cassandra",
    contactPoint: inject("cassandraContactPoint"),
    dataCenter: inject("cassandraDataCenter"),
    keyspace: keyspaces[0]!,
  },
  redis: { url: inject("redisUrl"), prefix: `${inject("redisPrefix")}ce2e:` },
  kafka: { brokers, prefix: `fe_test_${runId}.ce2e.`, partitions: 3 },
  policy: POLICY,
  ...PROPERTY_SUITE_SETTINGS,
};

const client = new cassandra.Client({
  contactPoints: [inject("cassandraContactPoint")],
  localDataCenter: inject("cassandraDataCenter"),
  socketOptions: { readTimeout: 120_000 },
});
const opened = await openStores(config);
const admin = new Kafka({ brokers, logLevel: logLevel.ERROR, logCreator: quietLogCreator }).admin();
const bus = new KafkaEventBus({ brokers, prefix: config.kafka.prefix, partitions: config.kafka.partitions });
let worker: WorkerProcess | undefined;
/** Per slot, the truncation still running from the slot's last run. */
const cleaning: Array<Promise<unknown>> = [];
let run = 0;

async function truncate(keyspace: string): Promise<void> {
  const { rows } = await client.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", [
    keyspace,
  ]);
  const tables = rows.map((r) => String(r.table_name)).filter((t) => t !== "schema_migrations");
  await Promise.all(tables.map((t) => client.execute(`TRUNCATE "${keyspace}"."${t}"`, [], { readTimeout: 120_000 })));
}

beforeAll(async () => {
  await client.connect();
  for (const keyspace of keyspaces) await migrate({ client, keyspace });
  await admin.connect();
  worker = await startWorker(config);
}, 300_000);

afterAll(async () => {
  const code = await worker?.stop();
  await bus.close();
  await kafkaCleanup(admin, config.kafka.prefix);
  await admin.disconnect();
  await Promise.allSettled(cleaning);
  for (const keyspace of keyspaces) {
    await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`, [], { readTimeout: 120_000 });
  }
  await opened.deleteRedisKeys();
  await client.shutdown();
  await opened.close();
  if (code !== 0) throw new Error(`the worker process exited with code ${code} on SIGTERM`);
}, 300_000);

enginePropertySuite("Cassandra + Redis + Kafka, fan-out in a worker process", {
  numRuns: Number(process.env.FEED_PROPERTY_RUNS_KAFKA ?? 100),
  maxCommands: Number(process.env.FEED_PROPERTY_COMMANDS_KAFKA ?? 40),
  policies: [["hybrid, threshold 2, inactive after 1 day", () => policyOf(POLICY)]],
  bus: () => ({
    bus,
    deadLetterCount: () => deadLetterCount(admin, bus),
  }),
  stores: async () => {
    const slot = run % SLOTS;
    const keyspace = keyspaces[slot]!;
    const namespace = { keyspace, redisPrefix: `${config.redis.prefix}${run++}:` };
    // Nothing of an earlier (failed) run may still be in flight when the worker moves on.
    await bus.drain();
    await cleaning[slot];
    await worker?.use(namespace);
    return {
      stores: opened.storesIn(namespace),
      close: async () => {
        await bus.drain();
        cleaning[slot] = Promise.all([truncate(keyspace), opened.deleteRedisKeys(namespace.redisPrefix)]);
      },
    };
  },
});

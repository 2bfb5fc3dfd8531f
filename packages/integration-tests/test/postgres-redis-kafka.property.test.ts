/**
 * The model-based property suite end to end: PostgreSQL as the source of truth, Redis timelines, events through a
 * real Kafka, and fan-out and notifications in a worker process of their own (worker-process/worker-main.ts), in the
 * engine's consumer groups. The suite's engine only writes, publishes, drains (waits for the groups' lag to reach
 * zero) and reads. Each policy has its own worker, topics and groups; its runs share them, each run starting by
 * draining and emptying the stores.
 *
 * Runs per property: FEED_PROPERTY_RUNS_KAFKA (default 100); commands per run: FEED_PROPERTY_COMMANDS_KAFKA (default 40).
 */
import { KafkaEventBus, quietLogCreator } from "@feed-engine/adapter-kafka";
import { migrate } from "@feed-engine/adapter-postgres";
import { enginePropertySuite, PROPERTY_SUITE_SETTINGS } from "@feed-engine/core/testing";
import { Kafka, logLevel } from "kafkajs";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import type {} from "../../../test-support/global-setup.js";
import { openStores } from "./worker-process/open-stores.js";
import { deadLetterCount, emptyStores, kafkaCleanup } from "./worker-process/run-reset.js";
import { type PolicySpec, policyOf, type WorkerConfig } from "./worker-process/worker-config.js";
import { startWorker, type WorkerProcess } from "./worker-process/worker-process.js";

/** The suite's four policies, as data a worker process can be given. */
const POLICIES: Array<[string, PolicySpec]> = [
  ["push-all", { kind: "push-all" }],
  ["pull-all", { kind: "pull-all" }],
  ["hybrid, threshold 2", { kind: "hybrid", celebrityThreshold: 2, inactiveAfterDays: null }],
  ["hybrid, threshold 2, inactive after 1 day", { kind: "hybrid", celebrityThreshold: 2, inactiveAfterDays: 1 }],
];
const runId = inject("runId");
const brokers = inject("kafkaBrokers").split(",");
const schema = `fe_kafka_${runId}`;
const base: Omit<WorkerConfig, "policy" | "kafka"> = {
  source: { kind: "postgres", url: inject("postgresUrl"), schema },
  redis: { url: inject("redisUrl"), prefix: `${inject("redisPrefix")}kafka:` },
  ...PROPERTY_SUITE_SETTINGS,
};

const pool = new pg.Pool({ connectionString: inject("postgresUrl"), max: 2 });
const opened = await openStores(base);
const admin = new Kafka({ brokers, logLevel: logLevel.ERROR, logCreator: quietLogCreator }).admin();
/** The bus of the policy whose runs are under way (each policy has its own topics, groups and worker). */
let current: KafkaEventBus | undefined;

beforeAll(async () => {
  await migrate({ pool, schema });
  await admin.connect();
}, 120_000);

afterAll(async () => {
  await admin.disconnect();
  await emptyStores(pool, schema, opened);
  await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  await pool.end();
  await opened.close();
}, 120_000);

enginePropertySuite("PostgreSQL + Redis + Kafka, fan-out in a worker process", {
  numRuns: Number(process.env.FEED_PROPERTY_RUNS_KAFKA ?? 100),
  maxCommands: Number(process.env.FEED_PROPERTY_COMMANDS_KAFKA ?? 40),
  policies: POLICIES.map(([name, spec]) => [name, () => policyOf(spec)]),
  // Called inside each policy's describe block: the hooks below start and stop that policy's worker.
  bus: (name) => {
    const policy = POLICIES.find(([n]) => n === name)?.[1];
    if (policy === undefined) throw new Error(`no policy spec named ${name}`);
    const index = POLICIES.findIndex(([n]) => n === name);
    const config: WorkerConfig = {
      ...base,
      policy,
      kafka: { brokers, prefix: `fe_test_${runId}.e2e${index}.`, partitions: 3 },
    };
    const bus = new KafkaEventBus({ brokers, prefix: config.kafka.prefix, partitions: config.kafka.partitions });
    let worker: WorkerProcess | undefined;
    beforeAll(async () => {
      current = bus;
      worker = await startWorker(config);
    }, 120_000);
    afterAll(async () => {
      const code = await worker?.stop();
      await bus.close();
      await kafkaCleanup(admin, config.kafka.prefix);
      if (code !== 0) throw new Error(`the worker process exited with code ${code} on SIGTERM`);
    }, 120_000);
    return {
      bus,
      deadLetterCount: () => deadLetterCount(admin, bus),
    };
  },
  stores: async () => {
    // Whatever an earlier (failed) run left in flight is handled before the stores are emptied under it.
    await current?.drain();
    await emptyStores(pool, schema, opened);
    return { stores: opened.stores, close: async () => {} };
  },
});

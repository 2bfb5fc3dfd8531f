/**
 * A fan-out and notification worker in a process of its own, for the end-to-end property tests: it consumes the
 * Kafka topics in the engine's consumer groups and writes to the stores its config names. Prints "ready" once
 * subscribed; stops gracefully on SIGTERM (finishing the batch in hand and committing it).
 *
 *   node --import tsx worker-main.ts '<WorkerConfig as JSON>'
 */
import { KafkaEventBus } from "@feed-engine/adapter-kafka";
import { createFeedEngine } from "@feed-engine/core";
import { openStores } from "./open-stores.js";
import { policyOf, type WorkerConfig } from "./worker-config.js";

const config = JSON.parse(process.argv[2] ?? "") as WorkerConfig;
const opened = openStores(config);
const bus = new KafkaEventBus({
  brokers: config.kafka.brokers,
  prefix: config.kafka.prefix,
  partitions: config.kafka.partitions,
  consumer: { sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 20 },
});
const engine = createFeedEngine({
  stores: opened.stores,
  bus,
  policy: policyOf(config.policy),
  timelineCap: config.timelineCap,
  backfillLimit: config.backfillLimit,
  fanoutBatchSize: config.fanoutBatchSize,
  runWorkers: true,
});

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  let code = 0;
  for (const step of [() => engine.close(), () => bus.close(), () => opened.close()]) {
    try {
      await step();
    } catch (error) {
      code = 1;
      process.stderr.write(`worker: error while stopping on ${signal}: ${String(error)}\n`);
    }
  }
  process.exit(code);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));

try {
  await engine.ready();
  process.stdout.write("ready\n");
} catch (error) {
  process.stderr.write(`worker: could not subscribe: ${String(error)}\n`);
  process.exit(1);
}

/**
 * A fan-out and notification worker in a process of its own, for the end-to-end property tests: it consumes the
 * Kafka topics in the engine's consumer groups and writes to the stores its config names. Prints "ready" once
 * subscribed; stops gracefully on SIGTERM (finishing the event in hand and committing it).
 *
 * Between runs a test may switch it to another keyspace and Redis prefix: a line `use {"keyspace":...,
 * "redisPrefix":...}` on stdin, answered with `using` on stdout (the test drains the bus first).
 *
 *   node --import tsx worker-main.ts '<WorkerConfig as JSON>'
 */
import { createInterface } from "node:readline";
import { KafkaEventBus } from "@feed-engine/adapter-kafka";
import {
  type EventHandler,
  FANOUT_GROUP,
  type FeedStores,
  NOTIFICATIONS_GROUP,
  notificationWriter,
  type Subscription,
  systemClock,
  timelineFanout,
} from "@feed-engine/core";
import { openStores } from "./open-stores.js";
import { type Namespace, policyOf, type WorkerConfig } from "./worker-config.js";

const config = JSON.parse(process.argv[2] ?? "") as WorkerConfig;
const opened = await openStores(config);
const policy = policyOf(config.policy);
const bus = new KafkaEventBus({
  brokers: config.kafka.brokers,
  prefix: config.kafka.prefix,
  partitions: config.kafka.partitions,
  consumer: { sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 20 },
});

function handlersFor(stores: FeedStores): { fanout: EventHandler; notify: EventHandler } {
  return {
    fanout: timelineFanout({
      ...stores,
      policy,
      clock: systemClock,
      batchSize: config.fanoutBatchSize,
      backfillLimit: config.backfillLimit,
    }),
    notify: notificationWriter(stores),
  };
}
let handlers = handlersFor(opened.stores);
const subscriptions: Subscription[] = [];

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  let code = 0;
  const steps = [...subscriptions.map((s) => () => s.close()), () => bus.close(), () => opened.close()];
  for (const step of steps) {
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
  subscriptions.push(await bus.subscribe(FANOUT_GROUP, (event) => handlers.fanout(event)));
  subscriptions.push(await bus.subscribe(NOTIFICATIONS_GROUP, (event) => handlers.notify(event)));
  process.stdout.write("ready\n");
} catch (error) {
  process.stderr.write(`worker: could not subscribe: ${String(error)}\n`);
  process.exit(1);
}

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.startsWith("use ")) continue;
  handlers = handlersFor(opened.storesIn(JSON.parse(line.slice(4)) as Namespace));
  process.stdout.write("using\n");
}

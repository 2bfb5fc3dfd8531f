import { randomBytes } from "node:crypto";
import { exponentialBackoff } from "@feed-engine/core";
import { Kafka, type KafkaMessage, logLevel } from "kafkajs";
import { inject, onTestFinished } from "vitest";
import type {} from "../../../test-support/global-setup.js";
import { KafkaEventBus, type KafkaEventBusOptions } from "../src/index.js";

/** The test brokers, from the global setup. */
export const brokers = inject("kafkaBrokers").split(",");

/** A topic prefix (and group prefix) no other test uses, in this run or another, in this file or another. */
export function uniquePrefix(): string {
  return `fe-test.${inject("runId")}.${randomBytes(4).toString("hex")}.`;
}

/** Consumer settings for quick joins and hand-overs: a member notices a rebalance within ~150 ms. */
export const QUICK_CONSUMER = {
  sessionTimeout: 6_000,
  heartbeatInterval: 100,
  rebalanceTimeout: 5_000,
  maxWaitTimeInMs: 50,
};

/**
 * A fresh prefix for several buses of one test (as in several processes), whose topics are deleted when the test
 * ends, after the buses made later were closed (vitest runs these hooks last-registered first).
 */
export function sharedPrefix(): string {
  const prefix = uniquePrefix();
  onTestFinished(() => deleteTopics(prefix));
  return prefix;
}

/**
 * A bus with quick retries and consumers, closed when the test ends; on a fresh prefix whose topics are then deleted,
 * unless `options.prefix` (from {@link sharedPrefix}) is given.
 */
export function testBus(options: Partial<KafkaEventBusOptions> = {}): KafkaEventBus {
  const prefix = options.prefix ?? sharedPrefix();
  const bus = new KafkaEventBus({
    brokers,
    prefix,
    partitions: 3,
    maxAttempts: 3,
    retry: exponentialBackoff({ baseMs: 1, maxMs: 10 }),
    consumer: QUICK_CONSUMER,
    drainTimeoutMs: 20_000,
    ...options,
  });
  onTestFinished(() => bus.close());
  return bus;
}

/** Deletes the topics whose names start with `prefix` (what a test's buses created). */
export async function deleteTopics(prefix: string): Promise<void> {
  const admin = rawKafka().admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** A raw KafkaJS client for looking at what the bus wrote. */
export function rawKafka(): Kafka {
  return new Kafka({ brokers, clientId: "feed-engine-test", logLevel: logLevel.NOTHING });
}

/** A message read back from a topic, with where it was. */
export interface ReadMessage {
  partition: number;
  message: KafkaMessage;
}

/** Reads `count` messages of `topic` from the beginning with a raw consumer (rejects after `timeoutMs`). */
export async function readTopic(topic: string, count: number, timeoutMs = 15_000): Promise<ReadMessage[]> {
  const consumer = rawKafka().consumer({ groupId: `${topic}.reader.${Date.now()}`, ...QUICK_CONSUMER });
  const got: ReadMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let done = () => {};
    const enough = new Promise<void>((resolve) => {
      done = resolve;
    });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        got.push({ partition, message });
        if (got.length >= count) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`read ${got.length} of ${count} messages of ${topic}`)), timeoutMs);
    });
    await Promise.race([enough, late]).finally(() => clearTimeout(timer));
    return got;
  } finally {
    await consumer.disconnect();
  }
}

import { FeedError, type RetryPolicy } from "@feed-engine/core";
import type { ConsumerConfig, KafkaConfig } from "kafkajs";
import type { KafkaClient } from "./kafka-clients.js";

/** Consumer settings the bus passes to KafkaJS (the group id is the bus's). */
export type KafkaConsumerOptions = Omit<ConsumerConfig, "groupId">;

/** Options for {@link KafkaEventBus}. Give `kafka` or `brokers`. */
export interface KafkaEventBusOptions {
  /** A KafkaJS client. The bus creates (and on close disconnects) its producer, admin client and consumers. */
  kafka?: KafkaClient;
  /** Broker addresses ("host:port"), when no `kafka` is given: the bus creates a client of its own. */
  brokers?: readonly string[];
  /**
   * More settings for a client made from `brokers` (SSL, SASL, timeouts, logging, ...). Default: log level ERROR,
   * through {@link quietLogCreator}.
   */
  clientConfig?: Omit<KafkaConfig, "brokers">;
  /** Prefix of every topic and consumer group id. Default "feed-engine.". */
  prefix?: string;
  /** Partitions of each topic the bus creates (an integer >= 1). Default 6. */
  partitions?: number;
  /** Replication factor of each topic the bus creates. Default 1 (a single broker). */
  replicationFactor?: number;
  /** Attempts per event and group before it is dead-lettered (an integer >= 1). Default 5. */
  maxAttempts?: number;
  /** How long to wait before retrying a failed event. Default `exponentialBackoff()`. */
  retry?: RetryPolicy;
  /** The random source handed to `retry`. Default `Math.random`. */
  random?: () => number;
  /** KafkaJS consumer settings (session timeout, heartbeat interval, `maxWaitTimeInMs`, ...). */
  consumer?: KafkaConsumerOptions;
  /** Partitions each subscription handles at once (each still in order). Default 1. */
  concurrency?: number;
  /**
   * Where a group that never committed starts: at the earliest retained event (true, the default, so nothing
   * published before the first worker started is lost) or at the end (false).
   */
  fromBeginning?: boolean;
  /**
   * The groups `drain()` and `lag()` look at by default. Default: the groups this bus has open subscriptions in, or
   * else `FANOUT_GROUP` and `NOTIFICATIONS_GROUP` (workers running in other processes).
   */
  drainGroups?: readonly string[];
  /**
   * What `drain()` waits for: `"bus"` (the default), every event this bus published, whose offsets Kafka's acks gave
   * it, so a drain with nothing new to wait for asks Kafka nothing; `"topics"`, lag 0 against the topics' end offsets
   * when the drain began, which also covers events other processes published (a few more requests per drain).
   */
  drainScope?: "bus" | "topics";
  /** How long `drain()` waits before it rejects with `UNAVAILABLE`. Default 30 000 ms. */
  drainTimeoutMs?: number;
  /** How often `drain()` looks at the lag. Default 2 ms. */
  drainPollMs?: number;
}

/** How many dead letters {@link KafkaEventBus.deadLetters} keeps (the newest). */
export const DEAD_LETTERS_KEPT = 1_000;

/** Consumer defaults: quick enough to hand partitions over, slow enough not to flood an idle broker. */
export const CONSUMER_DEFAULTS: KafkaConsumerOptions = {
  sessionTimeout: 30_000,
  heartbeatInterval: 3_000,
  maxWaitTimeInMs: 500,
};

/** `value` (or `fallback` when it is undefined), checked to be an integer >= 1. */
export function positiveInt(value: number | undefined, fallback: number, field: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) {
    throw new FeedError("VALIDATION", `${field} must be an integer >= 1 (got ${String(value)})`, { field });
  }
  return v;
}

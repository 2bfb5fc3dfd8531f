import { KafkaEventBus, quietLogCreator } from "@feed-engine/adapter-kafka";
import { Kafka, type KafkaConfig, type logCreator, logLevel } from "kafkajs";
import { type BackendUrl, showHost } from "../config/backend-url.js";
import type { FeedConfig } from "../config/feed-config.js";
import type { BackendDriver } from "./backend-driver.js";
import { once } from "./once.js";
import { unreachable } from "./unreachable.js";

/** Receives KafkaJS's log entries (warnings and errors), e.g. to write them as the worker's structured logs. */
export type KafkaLogSink = (level: "error" | "warn", message: string, fields: Record<string, unknown>) => void;

/**
 * Consumer settings beyond the URL and the shared config (`--kafka-prefix`, `--kafka-partitions`): `feed-engine worker`
 * sets these from `--concurrency` and `--session-timeout`; other commands use the defaults.
 */
export interface KafkaSettings {
  /** Partitions a subscription handles at once (each in order). Default 1. */
  concurrency?: number;
  /** How long the group waits for a silent member before moving its partitions (ms). Default 30,000. */
  sessionTimeoutMs?: number;
  /** Where KafkaJS's warnings and errors go. Default: stderr as JSON lines (the adapter's `quietLogCreator`). */
  log?: KafkaLogSink;
}

/** A configuration that may carry {@link KafkaSettings} (as `feed-engine worker` builds it). */
export type KafkaAwareConfig = FeedConfig & { kafka?: KafkaSettings };

const CONNECT_TIMEOUT_MS = 5_000;

type KafkaUrl = Extract<BackendUrl, { scheme: "kafka" }>;

function kafkaUrl(url: BackendUrl): KafkaUrl {
  if (url.scheme !== "kafka") throw new Error(`kafka backend given ${url.scheme}`);
  return url;
}

/** A KafkaJS log creator that hands entries to `sink`, skipping the routine `Response ...` entries. */
function sinkLogCreator(sink: KafkaLogSink): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _ts, logger: _logger, ...extra } = log;
      if (message.startsWith("Response ")) return;
      sink(level === logLevel.ERROR ? "error" : "warn", `kafkajs: ${message}`, { namespace, ...extra });
    };
}

/**
 * Proves a broker answers (a metadata request through a short-lived admin client, retried once), so an unreachable
 * Kafka fails at start with one line instead of KafkaJS retrying in the background.
 */
async function probe(brokers: string[], url: KafkaUrl, from: string, config: KafkaConfig): Promise<void> {
  // Quiet: a failure here is reported as one line, not as KafkaJS's connection errors.
  const admin = new Kafka({
    ...config,
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 200 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw unreachable("Kafka", url.nodes.map(showHost).join(","), from, error);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Kafka (`kafka://host:9092[,host:9092]`) as the event bus, through `@feed-engine/adapter-kafka`'s `KafkaEventBus`:
 * the write path publishes to `<prefix>posts`, `<prefix>graph` and `<prefix>engagement`, and workers consume them in
 * consumer groups `<prefix>feed-engine.fanout` and `<prefix>feed-engine.notifications`.
 */
export const kafkaBackend: BackendDriver = {
  async open(value, context) {
    const url = kafkaUrl(value);
    const settings = (context.config as KafkaAwareConfig).kafka;
    const brokers = url.nodes.map(showHost);
    const clientConfig: KafkaConfig = {
      brokers,
      clientId: "feed-engine-cli",
      connectionTimeout: CONNECT_TIMEOUT_MS,
      logLevel: logLevel.WARN,
      logCreator: settings?.log === undefined ? quietLogCreator : sinkLogCreator(settings.log),
    };
    await probe(brokers, url, context.setting.from, clientConfig);
    const sessionTimeout = settings?.sessionTimeoutMs ?? 30_000;
    const bus = new KafkaEventBus({
      kafka: new Kafka(clientConfig),
      prefix: context.config.kafkaPrefix.value,
      partitions: context.config.kafkaPartitions.value,
      ...(settings?.concurrency === undefined ? {} : { concurrency: settings.concurrency }),
      // Heartbeats a tenth of the session apart (at most 3 s): a member learns of a rebalance within one beat.
      consumer: { sessionTimeout, heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 10)) },
    });
    return { bus, close: once(() => bus.close()) };
  },
};

import {
  type DeadLetter,
  type EventBus,
  type EventHandler,
  exponentialBackoff,
  FANOUT_GROUP,
  FeedError,
  type FeedEvent,
  NOTIFICATIONS_GROUP,
  type RetryPolicy,
} from "@feed-engine/core";
import { Kafka, logLevel, type Message, type RecordMetadata } from "kafkajs";
import { consumerLag, type PartitionLag } from "./consumer-lag.js";
import { type EncodedEvent, encodeEvent } from "./event-codec.js";
import { type KafkaClient, KafkaClients } from "./kafka-clients.js";
import { messageOf, toFeedError } from "./kafka-errors.js";
import {
  CONSUMER_DEFAULTS,
  DEAD_LETTERS_KEPT,
  type KafkaConsumerOptions,
  type KafkaEventBusOptions,
  positiveInt,
} from "./kafka-event-bus-options.js";
import { quietLogCreator } from "./kafka-log.js";
import { KafkaSubscription } from "./kafka-subscription.js";
import { type OffsetMap, OffsetTracker, type Shortfall } from "./offset-tracker.js";
import { retryRetriable } from "./retry-retriable.js";
import { type TopicNames, topicNames } from "./topic-names.js";

/**
 * The {@link EventBus} over Kafka (KafkaJS). Events go to `<prefix>posts`, `<prefix>graph` and `<prefix>engagement`,
 * keyed by `keyOf(event)`, as JSON `{"v":1,"event":{...}}`, through an idempotent producer with acks from all in-sync
 * replicas. Each `subscribe` is a consumer in group `<prefix><group>`: processes that subscribe to one group share
 * the partitions. Delivery is at-least-once (offsets are committed after the handler succeeded), in order per
 * partition; a failing event is retried with backoff and, after `maxAttempts`, written to `<prefix>dead-letters`.
 *
 * @example
 * const bus = new KafkaEventBus({ brokers: ["127.0.0.1:9092"], prefix: "myapp." });
 * const feed = createFeedEngine({ bus, runWorkers: false }); // workers run elsewhere
 */
export class KafkaEventBus implements EventBus {
  /** What this bus can do, for the contract suite and callers. */
  readonly capabilities = { drain: true, deadLetters: true, durableGroups: true, abort: true } as const;
  /** The topics this bus uses. */
  readonly topics: TopicNames;
  readonly #kafka: KafkaClient;
  readonly #prefix: string;
  readonly #maxAttempts: number;
  readonly #retry: RetryPolicy;
  readonly #random: () => number;
  readonly #consumer: KafkaConsumerOptions;
  readonly #concurrency: number;
  readonly #fromBeginning: boolean;
  readonly #drainGroups: readonly string[] | undefined;
  readonly #drainScope: "bus" | "topics";
  readonly #offsets = new OffsetTracker();
  readonly #clients: KafkaClients;
  readonly #drainTimeoutMs: number;
  readonly #drainPollMs: number;
  readonly #subscriptions = new Set<KafkaSubscription>();
  readonly #sending = new Set<Promise<void>>();
  readonly #deadLetters: DeadLetter[] = [];
  #publishes = 0;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: KafkaEventBusOptions) {
    if (options.kafka !== undefined) {
      this.#kafka = options.kafka;
    } else if (options.brokers !== undefined && options.brokers.length > 0) {
      this.#kafka = new Kafka({
        clientId: "feed-engine",
        logLevel: logLevel.ERROR,
        logCreator: quietLogCreator,
        ...options.clientConfig,
        brokers: [...options.brokers],
      });
    } else {
      throw new FeedError("VALIDATION", "KafkaEventBus needs `kafka` (a KafkaJS client) or `brokers`", {
        field: "brokers",
      });
    }
    this.#prefix = options.prefix ?? "feed-engine.";
    this.topics = topicNames(this.#prefix);
    this.#clients = new KafkaClients(this.#kafka, {
      topics: this.topics,
      partitions: positiveInt(options.partitions, 6, "partitions"),
      replicationFactor: positiveInt(options.replicationFactor, 1, "replicationFactor"),
    });
    this.#maxAttempts = positiveInt(options.maxAttempts, 5, "maxAttempts");
    this.#retry = options.retry ?? exponentialBackoff();
    this.#random = options.random ?? Math.random;
    this.#consumer = { ...CONSUMER_DEFAULTS, ...options.consumer };
    this.#concurrency = positiveInt(options.concurrency, 1, "concurrency");
    this.#fromBeginning = options.fromBeginning ?? true;
    this.#drainGroups = options.drainGroups;
    this.#drainScope = options.drainScope ?? "bus";
    this.#drainTimeoutMs = positiveInt(options.drainTimeoutMs, 30_000, "drainTimeoutMs");
    this.#drainPollMs = positiveInt(options.drainPollMs, 2, "drainPollMs");
  }

  /** The newest dead letters (up to 1,000) written by this bus's subscriptions; the topic keeps them all. */
  get deadLetters(): readonly DeadLetter[] {
    return this.#deadLetters;
  }

  /** Publishes the events; resolves once Kafka acknowledged all of them (acks from all in-sync replicas). */
  async publish(events: readonly FeedEvent[]): Promise<void> {
    if (this.#closed) throw new FeedError("UNAVAILABLE", "kafka: publish: the KafkaEventBus is closed");
    if (events.length === 0) return;
    const encoded = events.map(encodeEvent);
    this.#publishes++;
    const sending = this.#send(encoded);
    this.#sending.add(sending);
    try {
      await sending;
    } finally {
      this.#sending.delete(sending);
    }
  }

  /**
   * Joins consumer group `<prefix><group>` with a consumer of its own; resolves once it has joined. A group that never
   * committed starts at the earliest retained event (see `fromBeginning`), so it gets at least every event published
   * from now on.
   */
  async subscribe(group: string, handler: EventHandler): Promise<KafkaSubscription> {
    if (this.#closed) throw new FeedError("UNAVAILABLE", "kafka: subscribe: the KafkaEventBus is closed");
    if (typeof group !== "string" || group.length === 0) {
      throw new FeedError("VALIDATION", "group must be a non-empty string", { field: "group" });
    }
    if (typeof handler !== "function") throw new FeedError("VALIDATION", "handler must be a function");
    const where = `subscribe(${JSON.stringify(group)})`;
    await this.#clients.ensureTopics(where);
    let consumer: ReturnType<KafkaClient["consumer"]>;
    try {
      consumer = this.#kafka.consumer({
        ...this.#consumer,
        groupId: this.#prefix + group,
        allowAutoTopicCreation: false,
      });
    } catch (error) {
      throw toFeedError(error, where);
    }
    const subscription = new KafkaSubscription({
      group,
      consumer,
      handler,
      maxAttempts: this.#maxAttempts,
      retry: this.#retry,
      random: this.#random,
      heartbeatMs: this.#consumer.heartbeatInterval ?? 3_000,
      sendDeadLetter: (message) => this.#sendDeadLetter(message),
      onDeadLetter: (letter) => {
        this.#deadLetters.push(letter);
        if (this.#deadLetters.length > DEAD_LETTERS_KEPT) this.#deadLetters.shift();
      },
      onCommit: (topic, partition, offset) => this.#offsets.noteCommitted(group, topic, partition, offset),
      onStop: (stopped) => this.#subscriptions.delete(stopped),
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) subscription.failure = payload.error;
    });
    this.#subscriptions.add(subscription);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.topics.eventTopics], fromBeginning: this.#fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.#concurrency,
        eachBatch: subscription.eachBatch,
      });
    } catch (error) {
      await subscription.close().catch(() => {});
      throw toFeedError(error, where);
    }
    return subscription;
  }

  /** The lag of `groups` (default: see `drainGroups`) on every partition of the event topics. */
  async lag(groups?: readonly string[]): Promise<PartitionLag[]> {
    if (this.#closed) throw new FeedError("UNAVAILABLE", "kafka: lag: the KafkaEventBus is closed");
    await this.#clients.ensureTopics("lag");
    const names = groups ?? this.#defaultGroups();
    try {
      const admin = await this.#clients.admin();
      const ids = names.map((group) => ({ group, groupId: this.#prefix + group }));
      return await retryRetriable(() => consumerLag(admin, ids, this.topics.eventTopics));
    } catch (error) {
      throw toFeedError(error, "lag");
    }
  }

  /**
   * Resolves once `groups` (default: see `drainGroups`) have committed every event this bus published (with
   * `drainScope: "topics"`: every event in the topics when the drain began), including events this bus publishes
   * meanwhile. Works across processes: it waits for whichever workers consume those groups. Polls every
   * `drainPollMs`; rejects with `UNAVAILABLE` after `drainTimeoutMs`, when a subscription of this bus stopped for
   * good, or once the bus is closed.
   */
  async drain(groups?: readonly string[]): Promise<void> {
    if (this.#closed) throw new FeedError("UNAVAILABLE", "kafka: drain: the KafkaEventBus is closed");
    const names = groups ?? this.#defaultGroups();
    const deadline = Date.now() + this.#drainTimeoutMs;
    const topicEnds = this.#drainScope === "topics" ? await this.#topicEnds() : undefined;
    for (;;) {
      this.#throwIfCrashed();
      if (this.#sending.size > 0) await Promise.allSettled(this.#sending);
      const publishes = this.#publishes;
      const ends = this.#offsets.ends(topicEnds);
      let behind = names.flatMap((group) => this.#offsets.shortfalls(group, ends));
      if (behind.length > 0) {
        await this.#fetchCommitted([...new Set(behind.map((s) => s.group))]);
        behind = names.flatMap((group) => this.#offsets.shortfalls(group, ends));
      }
      if (behind.length === 0) {
        if (publishes === this.#publishes && this.#sending.size === 0) return;
        continue;
      }
      if (Date.now() > deadline) throw this.#drainTimeout(names, behind);
      await new Promise((resolve) => setTimeout(resolve, this.#drainPollMs));
    }
  }

  /** Asks Kafka what `groups` committed on the event topics. */
  async #fetchCommitted(groups: readonly string[]): Promise<void> {
    try {
      const admin = await this.#clients.admin();
      const topics = [...this.topics.eventTopics];
      await Promise.all(
        groups.map(async (group) => {
          const offsets = await retryRetriable(() => admin.fetchOffsets({ groupId: this.#prefix + group, topics }));
          for (const { topic, partitions } of offsets) {
            for (const { partition, offset } of partitions) {
              this.#offsets.noteCommitted(group, topic, partition, Number(offset));
            }
          }
        }),
      );
    } catch (error) {
      throw toFeedError(error, "drain");
    }
  }

  /** The end offset of every partition of the event topics, as Kafka reports it now. */
  async #topicEnds(): Promise<OffsetMap> {
    await this.#clients.ensureTopics("drain");
    try {
      const admin = await this.#clients.admin();
      const topics = this.topics.eventTopics;
      const offsets = await Promise.all(topics.map((topic) => retryRetriable(() => admin.fetchTopicOffsets(topic))));
      return new Map(topics.map((topic, t) => [topic, new Map(offsets[t]!.map((o) => [o.partition, Number(o.high)]))]));
    } catch (error) {
      throw toFeedError(error, "drain");
    }
  }

  #drainTimeout(groups: readonly string[], behind: readonly Shortfall[]): FeedError {
    const total = behind.reduce((sum, s) => sum + s.end - Math.max(0, s.committed), 0);
    const where = behind
      .slice(0, 5)
      .map((s) => `${s.group} ${s.topic}[${s.partition}] at ${s.committed} of ${s.end}`)
      .join(", ");
    return new FeedError(
      "UNAVAILABLE",
      `kafka: drain: ${total} events still uncommitted after ${this.#drainTimeoutMs} ms (${where}); ` +
        `are workers running for groups ${groups.map((n) => JSON.stringify(n)).join(", ")}?`,
    );
  }

  /**
   * Closes every subscription (each finishes the event it is handling, commits and leaves its group), waits for
   * publishes in flight, then disconnects the producer and admin client. Runs every step even when one fails, then
   * rejects with `UNAVAILABLE` naming the failures. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    const failures: unknown[] = [];
    const collect = (results: PromiseSettledResult<unknown>[]) => {
      for (const r of results) if (r.status === "rejected") failures.push(r.reason);
    };
    collect(await Promise.allSettled([...this.#subscriptions].map((s) => s.close())));
    await Promise.allSettled(this.#sending);
    failures.push(...(await this.#clients.close()));
    if (failures.length > 0) {
      const what = failures.map((f) => messageOf(f)).join("; ");
      throw new FeedError("UNAVAILABLE", `kafka: close: ${failures.length} cleanup step(s) failed: ${what}`, {
        cause: new AggregateError(failures),
      });
    }
  }

  #defaultGroups(): readonly string[] {
    if (this.#drainGroups !== undefined) return this.#drainGroups;
    const open = new Set([...this.#subscriptions].map((s) => s.group));
    return open.size > 0 ? [...open] : [FANOUT_GROUP, NOTIFICATIONS_GROUP];
  }

  #throwIfCrashed(): void {
    for (const subscription of this.#subscriptions) {
      if (subscription.failure !== undefined) {
        throw toFeedError(subscription.failure, `the consumer of group "${subscription.group}" stopped`);
      }
    }
  }

  async #send(encoded: readonly EncodedEvent[]): Promise<void> {
    await this.#clients.ensureTopics("publish");
    // The bus picks each partition (as KafkaJS's default partitioner would: murmur2 of the key), so it knows how many
    // messages each partition got and, from the acks, the offset each partition reached.
    const byTopic = new Map<string, Message[]>();
    const counts = new Map<string, number>();
    for (const { topic, key, value } of encoded) {
      const name = this.topics.events[topic];
      const partition = this.#clients.partitionOf(name, key);
      const messages = byTopic.get(name) ?? [];
      if (messages.length === 0) byTopic.set(name, messages);
      messages.push({ key, value, partition });
      const at = `${name}\u0000${partition}`;
      counts.set(at, (counts.get(at) ?? 0) + 1);
    }
    let acks: RecordMetadata[];
    try {
      acks = await this.#clients.send([...byTopic].map(([topic, messages]) => ({ topic, messages })));
    } catch (error) {
      throw toFeedError(error, "publish");
    }
    for (const { topicName, partition, baseOffset } of acks) {
      const sent = counts.get(`${topicName}\u0000${partition}`);
      if (sent !== undefined && baseOffset !== undefined) {
        this.#offsets.noteEnd(topicName, partition, Number(baseOffset) + sent);
      }
    }
  }

  async #sendDeadLetter(message: Message): Promise<void> {
    await this.#clients.send([{ topic: this.topics.deadLetters, messages: [message] }]);
  }
}

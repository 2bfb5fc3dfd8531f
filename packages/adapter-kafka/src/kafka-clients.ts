import type { Admin, Kafka, Message, PartitionMetadata, Producer, RecordMetadata } from "kafkajs";
import { Partitioners } from "kafkajs";
import { messageOf, toFeedError } from "./kafka-errors.js";
import { isRetriable } from "./retry-retriable.js";
import type { TopicNames } from "./topic-names.js";

/** The slice of a KafkaJS client the bus uses: it makes its own producer, admin client and consumers from it. */
export type KafkaClient = Pick<Kafka, "producer" | "consumer" | "admin">;

/** How the bus's topics are created. */
export interface TopicSettings {
  topics: TopicNames;
  partitions: number;
  replicationFactor: number;
}

/**
 * The producer and admin client of one bus, each created and connected on first use (a failed connection is tried
 * again by the next call), and the topics, created on first use. The bus owns these and disconnects them on close.
 */
export class KafkaClients {
  readonly #kafka: KafkaClient;
  readonly #settings: TopicSettings;
  readonly #partitioner = Partitioners.DefaultPartitioner();
  /** What the partitioner is told of each event topic: for keyed messages only the partition count matters. */
  readonly #partitionMetadata = new Map<string, PartitionMetadata[]>();
  #producer: Promise<Producer> | undefined;
  #admin: Promise<Admin> | undefined;
  #ready: Promise<void> | undefined;

  constructor(kafka: KafkaClient, settings: TopicSettings) {
    this.#kafka = kafka;
    this.#settings = settings;
  }

  /** The idempotent producer (acks from all in-sync replicas are asked for on each send). */
  producer(): Promise<Producer> {
    this.#producer ??= connect(
      () =>
        this.#kafka.producer({
          idempotent: true,
          // KafkaJS's idempotent producer sends one request at a time per broker (it serializes them itself).
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          createPartitioner: Partitioners.DefaultPartitioner,
        }),
      () => {
        this.#producer = undefined;
      },
    );
    return this.#producer;
  }

  admin(): Promise<Admin> {
    this.#admin ??= connect(
      () => this.#kafka.admin(),
      () => {
        this.#admin = undefined;
      },
    );
    return this.#admin;
  }

  /** Sends messages to several topics at once; resolves with Kafka's acks. */
  async send(topicMessages: { topic: string; messages: Message[] }[]): Promise<RecordMetadata[]> {
    const producer = await this.producer();
    return producer.sendBatch({ topicMessages, acks: -1 });
  }

  /** Creates the topics on first use (idempotent: topics that exist are left as they are). */
  ensureTopics(where: string): Promise<void> {
    this.#ready ??= this.#createTopics().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready.catch((error: unknown) => {
      throw toFeedError(error, `${where}: creating the topics`);
    });
  }

  /**
   * The partition of an event topic a key goes to, as KafkaJS's default partitioner (and Java's) picks it: murmur2 of
   * the key modulo the partition count. Call after `ensureTopics`.
   */
  partitionOf(topic: string, key: string): number {
    let partitionMetadata = this.#partitionMetadata.get(topic);
    if (partitionMetadata === undefined) {
      partitionMetadata = metadataOf(this.#settings.partitions);
      this.#partitionMetadata.set(topic, partitionMetadata);
    }
    return this.#partitioner({ topic, partitionMetadata, message: { key, value: null } });
  }

  /** Disconnects what was connected; resolves with the failures (never rejects). */
  async close(): Promise<unknown[]> {
    const clients: Promise<unknown>[] = [];
    if (this.#producer) clients.push(this.#producer.then((p) => p.disconnect()));
    if (this.#admin) clients.push(this.#admin.then((a) => a.disconnect()));
    const results = await Promise.allSettled(clients);
    return results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
  }

  async #createTopics(): Promise<void> {
    const { topics, partitions, replicationFactor } = this.#settings;
    const admin = await this.admin();
    const all = [...topics.eventTopics, topics.deadLetters];
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.createTopics({
          topics: all.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })),
          waitForLeaders: true,
        });
        // Topics made elsewhere may have another partition count: keys must go where Kafka's partitioner puts them.
        const metadata = await admin.fetchTopicMetadata({ topics: all });
        const led = metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
        if (!led) throw Object.assign(new Error("the new topics have no leaders yet"), { retriable: true });
        for (const { name, partitions: found } of metadata.topics) {
          this.#partitionMetadata.set(name, metadataOf(found.length));
        }
        return;
      } catch (error) {
        // Another process may be creating them at the same moment ("already exists"), and just after creation a
        // broker may not know them yet ("does not host this topic-partition"): both pass.
        const passing = isRetriable(error) || messageOf(error).includes("already exists");
        if (!passing || attempt >= TOPIC_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
}

/** How many times the bus tries to create (or find) its topics, 100 ms apart, while Kafka says to try again. */
const TOPIC_ATTEMPTS = 30;

/** Partition metadata for the partitioner: `count` partitions, all with a leader. */
function metadataOf(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
}

/** Creates and connects a client; on failure forgets it (`reset`) and disconnects what was half made. */
async function connect<T extends { connect(): Promise<void>; disconnect(): Promise<void> }>(
  create: () => T,
  reset: () => void,
): Promise<T> {
  let client: T | undefined;
  try {
    client = create();
    await client.connect();
    return client;
  } catch (error) {
    reset();
    await client?.disconnect().catch(() => {});
    throw error;
  }
}

/**
 * Kafka event bus for feed-engine (KafkaJS): post, graph and engagement topics keyed so one author's events stay in
 * order, an idempotent producer, consumer groups shared by any number of worker processes, at-least-once delivery
 * with retries and a dead-letter topic, and observable consumer lag.
 */

export { consumerLag, type LagAdmin, type PartitionLag } from "./consumer-lag.js";
export {
  DEAD_LETTER_HEADERS,
  type DeadLetterOrigin,
  type DeadLetterRecord,
  deadLetterMessage,
  readDeadLetter,
} from "./dead-letter.js";
export { decodeEvent, type EncodedEvent, encodeEvent, SCHEMA_VERSION } from "./event-codec.js";
export { type KafkaClient, KafkaClients, type TopicSettings } from "./kafka-clients.js";
export { toFeedError } from "./kafka-errors.js";
export { KafkaEventBus } from "./kafka-event-bus.js";
export type { KafkaConsumerOptions, KafkaEventBusOptions } from "./kafka-event-bus-options.js";
export { quietLogCreator } from "./kafka-log.js";
export { KafkaSubscription, type SubscriptionDeps } from "./kafka-subscription.js";
export { type TopicNames, topicNames } from "./topic-names.js";

import { FeedError, type FeedEvent, type FeedTopic, keyOf, topicOf } from "@feed-engine/core";

/** The version of the message format this adapter writes (the `v` field of every value). */
export const SCHEMA_VERSION = 1;

/** One event as a Kafka message: where it goes, its partition key and its JSON value. */
export interface EncodedEvent {
  topic: FeedTopic;
  key: string;
  value: string;
}

/** The JSON value of a message: `{ "v": 1, "event": { ...the FeedEvent } }`. */
interface Envelope {
  v: number;
  event: FeedEvent;
}

const TOPICS: ReadonlySet<string> = new Set(["posts", "graph", "engagement"]);

/**
 * Encodes an event: its topic (`topicOf`), its key (`keyOf`: the author for posts, the acting user for graph events,
 * the post for engagement) and the value `{"v":1,"event":{...}}`. Throws `VALIDATION` for something that is not a
 * {@link FeedEvent}.
 */
export function encodeEvent(event: FeedEvent): EncodedEvent {
  const topic = typeof event === "object" && event !== null ? topicOf(event) : undefined;
  if (topic === undefined || !TOPICS.has(topic)) {
    throw new FeedError("VALIDATION", `kafka: publish: not a feed event (type ${describe(event)})`, {
      field: "events",
    });
  }
  const key = keyOf(event);
  if (typeof key !== "string" || key.length === 0) {
    throw new FeedError("VALIDATION", `kafka: publish: a ${event.type} event has no partition key`, {
      field: "events",
    });
  }
  const envelope: Envelope = { v: SCHEMA_VERSION, event };
  return { topic, key, value: JSON.stringify(envelope) };
}

/**
 * Decodes a message value written by {@link encodeEvent} into an event. Throws `VALIDATION` for a value that
 * is not JSON, has another schema version, or holds no event: such a message goes straight to the dead-letter topic.
 */
export function decodeEvent(value: Buffer | null): FeedEvent {
  if (value === null) throw new FeedError("VALIDATION", "kafka: the message has no value");
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString("utf8"));
  } catch (error) {
    throw new FeedError("VALIDATION", "kafka: the message value is not JSON", { cause: error });
  }
  const envelope = parsed as Partial<Envelope> | null;
  if (typeof envelope !== "object" || envelope === null || envelope.v !== SCHEMA_VERSION) {
    const version = typeof envelope === "object" && envelope !== null ? String(envelope.v) : "none";
    throw new FeedError("VALIDATION", `kafka: the message has schema version ${version}; this reader knows only 1`);
  }
  const event = envelope.event;
  if (typeof event !== "object" || event === null || !TOPICS.has(topicOf(event) as string)) {
    throw new FeedError("VALIDATION", `kafka: the message holds no feed event (type ${describe(event)})`);
  }
  // Not frozen (unlike the in-memory bus, which shares one object between groups): each consumer decodes its own
  // copy, and freezing would cost more than the decoding.
  return event;
}

function describe(event: unknown): string {
  const type = typeof event === "object" && event !== null ? (event as { type?: unknown }).type : undefined;
  return typeof type === "string" ? JSON.stringify(type.slice(0, 50)) : "missing";
}

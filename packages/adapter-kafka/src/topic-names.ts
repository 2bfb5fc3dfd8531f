import type { FeedTopic } from "@feed-engine/core";

/** The Kafka topics of one bus: one per {@link FeedTopic}, and the dead-letter topic. */
export interface TopicNames {
  /** Topic name for each kind of event (`topicOf(event)`). */
  readonly events: Readonly<Record<FeedTopic, string>>;
  /** Where events that failed every attempt go. */
  readonly deadLetters: string;
  /** The event topics, in a fixed order (what every subscription reads). */
  readonly eventTopics: readonly string[];
}

/** The topic names under `prefix`: `<prefix>posts`, `<prefix>graph`, `<prefix>engagement`, `<prefix>dead-letters`. */
export function topicNames(prefix: string): TopicNames {
  const events = { posts: `${prefix}posts`, graph: `${prefix}graph`, engagement: `${prefix}engagement` } as const;
  return { events, deadLetters: `${prefix}dead-letters`, eventTopics: [events.posts, events.graph, events.engagement] };
}

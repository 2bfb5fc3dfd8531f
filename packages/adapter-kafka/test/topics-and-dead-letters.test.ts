import type { FeedEvent, PostCreated } from "@feed-engine/core";
import { describe, expect, it } from "vitest";
import { readDeadLetter, SCHEMA_VERSION } from "../src/index.js";
import { rawKafka, readTopic, testBus } from "./kafka-test-bus.js";

let next = BigInt(Date.now()) << 22n;
function id(): string {
  next += 1n;
  return next.toString();
}
const post = (authorId: string): PostCreated => {
  const postId = id();
  return { type: "post.created", id: postId, at: Date.now(), postId, authorId };
};

describe("KafkaEventBus topics and messages", () => {
  it("creates the topics with the configured partitions and writes each event keyed by keyOf as {v, event}", async () => {
    const bus = testBus({ partitions: 4 });
    const events: FeedEvent[] = [
      post("1"),
      post("1"),
      post("2"),
      { type: "graph.followed", id: id(), at: 1, followerId: "5", followeeId: "1" },
      { type: "graph.blocked", id: id(), at: 2, blockerId: "6", blockedId: "1" },
      { type: "engagement.liked", id: id(), at: 3, userId: "5", postId: "99", authorId: "1" },
    ];
    await bus.publish(events);
    const admin = rawKafka().admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({
        topics: [...bus.topics.eventTopics, bus.topics.deadLetters],
      });
      for (const topic of topics) expect(topic.partitions, topic.name).toHaveLength(4);
    } finally {
      await admin.disconnect();
    }
    const posts = await readTopic(bus.topics.events.posts, 3);
    const graph = await readTopic(bus.topics.events.graph, 2);
    const engagement = await readTopic(bus.topics.events.engagement, 1);
    const keyed = (read: typeof posts) =>
      read.map(({ message }) => [message.key?.toString(), JSON.parse(message.value!.toString())]);
    expect(keyed(posts).sort()).toEqual(
      [events[0], events[1], events[2]]
        .map((e) => [(e as PostCreated).authorId, { v: SCHEMA_VERSION, event: e }])
        .sort(),
    );
    expect(keyed(graph)).toEqual(
      expect.arrayContaining([
        ["5", { v: 1, event: events[3] }],
        ["6", { v: 1, event: events[4] }],
      ]),
    );
    expect(keyed(engagement)).toEqual([["99", { v: 1, event: events[5] }]]);
    // One author, one partition, in publish order.
    const byAuthor1 = posts.filter(({ message }) => message.key?.toString() === "1");
    expect(new Set(byAuthor1.map((m) => m.partition)).size).toBe(1);
    expect(byAuthor1.map(({ message }) => JSON.parse(message.value!.toString()).event.id)).toEqual([
      events[0]!.id,
      events[1]!.id,
    ]);
  });

  it("writes an event that failed every attempt to the dead-letter topic: same key and value, fe-dlq headers", async () => {
    const asked: [number, number][] = [];
    const bus = testBus({
      maxAttempts: 4,
      random: () => 0.25,
      retry: (attempt, random) => {
        asked.push([attempt, random()]);
        return 5;
      },
    });
    const poison = post("7");
    const after = post("7");
    const seen: string[] = [];
    await bus.subscribe("worker", async (event) => {
      seen.push(event.id);
      if (event.id === poison.id) throw new Error(`cannot handle ${event.id}`);
    });
    await bus.publish([poison, after]);
    await bus.drain();
    expect(seen).toEqual([poison.id, poison.id, poison.id, poison.id, after.id]);
    // The retry policy is asked after each failed attempt but the last, with the bus's random source.
    expect(asked).toEqual([
      [1, 0.25],
      [2, 0.25],
      [3, 0.25],
    ]);
    const [letter] = await readTopic(bus.topics.deadLetters, 1);
    const record = readDeadLetter(letter!.message);
    expect(record).toEqual({
      group: "worker",
      topic: bus.topics.events.posts,
      partition: expect.any(Number),
      offset: "0",
      attempts: 4,
      error: `cannot handle ${poison.id}`,
      at: expect.any(Number),
      key: "7",
      value: JSON.stringify({ v: 1, event: poison }),
    });
    expect(Math.abs(record.at - Date.now())).toBeLessThan(60_000);
    expect(bus.deadLetters).toEqual([
      { group: "worker", event: poison, attempts: 4, error: `cannot handle ${poison.id}` },
    ]);
  });

  it("dead-letters a message it cannot decode at once (0 attempts) and goes on with the next", async () => {
    const bus = testBus();
    const seen: string[] = [];
    await bus.subscribe("worker", async (event) => void seen.push(event.id));
    // Something another writer put on the topic: a newer schema version, on the key the next event uses.
    await bus.publish([post("8")]);
    await bus.drain();
    const producer = rawKafka().producer();
    await producer.connect();
    await producer.send({
      topic: bus.topics.events.posts,
      messages: [{ key: "8", value: JSON.stringify({ v: 2, event: { type: "post.created" } }) }],
    });
    await producer.disconnect();
    const good = post("8");
    await bus.publish([good]);
    await bus.drain();
    expect(seen).toContain(good.id);
    const [letter] = await readTopic(bus.topics.deadLetters, 1);
    const record = readDeadLetter(letter!.message);
    expect(record).toMatchObject({ group: "worker", attempts: 0, key: "8", offset: "1" });
    expect(record.error).toMatch(/schema version 2/);
    expect(bus.deadLetters).toEqual([]);
  });
});

import { FANOUT_GROUP, isFeedError, NOTIFICATIONS_GROUP, type PostCreated } from "@feed-engine/core";
import { describe, expect, it } from "vitest";
import { rawKafka, sharedPrefix, testBus } from "./kafka-test-bus.js";

let next = BigInt(Date.now()) << 22n;
const post = (authorId: string): PostCreated => {
  next += 1n;
  const id = next.toString();
  return { type: "post.created", id, at: Date.now(), postId: id, authorId };
};
const posts = (count: number) => Array.from({ length: count }, (_, i) => post(String(i % 7)));
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("KafkaEventBus lag and drain", () => {
  it("lag() counts what each group has not committed; drain() on the publisher waits for workers on other buses", async () => {
    const prefix = sharedPrefix();
    const publisher = testBus({ prefix }); // like the API process: publishes, runs no workers
    const events = posts(20);
    await publisher.publish(events);
    const before = await publisher.lag();
    expect(new Set(before.map((l) => l.group))).toEqual(new Set([FANOUT_GROUP, NOTIFICATIONS_GROUP]));
    for (const group of [FANOUT_GROUP, NOTIFICATIONS_GROUP]) {
      const mine = before.filter((l) => l.group === group);
      expect(mine).toHaveLength(9); // 3 topics x 3 partitions
      expect(mine.reduce((sum, l) => sum + l.lag, 0)).toBe(20);
      expect(mine.every((l) => l.committed === -1)).toBe(true);
    }
    // Workers on buses of their own, as in other processes.
    const handled = { [FANOUT_GROUP]: 0, [NOTIFICATIONS_GROUP]: 0 };
    for (const group of [FANOUT_GROUP, NOTIFICATIONS_GROUP] as const) {
      const worker = testBus({ prefix });
      await worker.subscribe(group, async () => {
        await delay(5);
        handled[group]++;
      });
    }
    await publisher.drain();
    expect(handled).toEqual({ [FANOUT_GROUP]: 20, [NOTIFICATIONS_GROUP]: 20 });
    const after = await publisher.lag();
    expect(after.every((l) => l.lag === 0)).toBe(true);
    expect(after.reduce((sum, l) => sum + Math.max(0, l.committed), 0)).toBe(40);
    const more = posts(5);
    await publisher.publish(more);
    await publisher.drain([FANOUT_GROUP]);
    expect(handled[FANOUT_GROUP]).toBe(25);
  });

  it("drain() rejects UNAVAILABLE, naming the lag, when no worker commits in time", async () => {
    const bus = testBus({ drainTimeoutMs: 300 });
    await bus.publish(posts(3));
    const started = Date.now();
    const failure = await bus.drain(["nobody"]).catch((error: unknown) => error);
    expect(isFeedError(failure, "UNAVAILABLE")).toBe(true);
    expect((failure as Error).message).toMatch(/^kafka: drain: 3 events still uncommitted .*"nobody"/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("drains fast: an idle drain asks Kafka nothing; publish-then-drain takes milliseconds", async () => {
    const bus = testBus();
    let handled = 0;
    await bus.subscribe("worker", async () => {
      handled++;
    });
    await bus.publish(posts(10));
    await bus.drain();
    const rounds = 50;
    let started = performance.now();
    for (let i = 0; i < rounds; i++) await bus.drain();
    const idle = (performance.now() - started) / rounds;
    started = performance.now();
    for (let i = 0; i < rounds; i++) {
      await bus.publish(posts(1));
      await bus.drain();
      expect(handled).toBe(11 + i);
    }
    const busy = (performance.now() - started) / rounds;
    console.log(`idle drain: ${idle.toFixed(3)} ms; publish + drain: ${busy.toFixed(1)} ms`);
    expect(idle).toBeLessThan(1);
    expect(busy).toBeLessThan(200);
  });

  it("close() finishes the event being handled, commits it and leaves the group", async () => {
    const bus = testBus();
    let started = false;
    let finished = false;
    const subscription = await bus.subscribe("worker", async () => {
      started = true;
      await delay(300);
      finished = true;
    });
    await bus.publish([post("1"), post("1")]);
    while (!started) await delay(5);
    await subscription.close();
    expect(finished).toBe(true);
    const lag = await bus.lag(["worker"]);
    // The first event was committed; the second (never started) is left for the group's next member.
    expect(lag.reduce((sum, l) => sum + l.lag, 0)).toBe(1);
    const admin = rawKafka().admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([`${bus.topics.deadLetters.replace(/dead-letters$/, "")}worker`]);
      expect(groups[0]!.state).toBe("Empty");
    } finally {
      await admin.disconnect();
    }
  });

  it("when one of two workers leaves, the other takes its partitions and nothing is lost", async () => {
    const prefix = sharedPrefix();
    const a = testBus({ prefix });
    // b published nothing: with the "topics" scope its drain waits for what a (another process) published.
    const b = testBus({ prefix, drainScope: "topics" });
    const seenA: string[] = [];
    const seenB: string[] = [];
    const subA = await a.subscribe("worker", async (e) => void seenA.push(e.id));
    await b.subscribe("worker", async (e) => void seenB.push(e.id));
    const first = posts(30);
    await a.publish(first);
    await b.drain();
    expect(seenA.length).toBeGreaterThan(0);
    expect(seenB.length).toBeGreaterThan(0);
    await subA.close();
    const second = posts(30);
    await a.publish(second);
    await a.drain(["worker"]);
    const all = new Set([...seenA, ...seenB]);
    for (const e of [...first, ...second]) expect(all.has(e.id)).toBe(true);
    expect(second.every((e) => seenB.includes(e.id))).toBe(true);
  });
});

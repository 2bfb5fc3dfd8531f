import { isFeedError, type PostCreated } from "@feed-engine/core";
import { logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { KafkaEventBus, toFeedError } from "../src/index.js";
import { rawKafka, sharedPrefix, testBus, uniquePrefix } from "./kafka-test-bus.js";

let next = BigInt(Date.now()) << 22n;
const post = (authorId: string): PostCreated => {
  next += 1n;
  const id = next.toString();
  return { type: "post.created", id, at: Date.now(), postId: id, authorId };
};

/** Rejects unless `promise` rejects with a FeedError of `code` whose message starts with `prefix`. */
async function expectFeedError(promise: Promise<unknown>, code: string, prefix: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isFeedError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  expect((error as Error).message).toMatch(prefix);
}

describe("KafkaEventBus errors and lifecycle", () => {
  it("maps an unreachable broker to UNAVAILABLE with a kafka: prefix, and still closes", async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const bus = new KafkaEventBus({
      brokers: ["127.0.0.1:1"],
      prefix: sharedPrefix(),
      clientConfig: { logLevel: logLevel.NOTHING, connectionTimeout: 300, retry: { retries: 1, initialRetryTime: 50 } },
    });
    await expectFeedError(bus.publish([post("1")]), "UNAVAILABLE", /^kafka: publish: creating the topics: /);
    await expectFeedError(
      bus.subscribe("g", async () => {}),
      "UNAVAILABLE",
      /^kafka: subscribe\("g"\)/,
    );
    await expectFeedError(bus.lag(["g"]), "UNAVAILABLE", /^kafka: lag/);
    await bus.close();
    await bus.close();
  });

  it("rejects UNAVAILABLE after close, and VALIDATION for bad input and options", async () => {
    const bus = testBus();
    await expectFeedError(bus.publish([{ type: "nope" } as never]), "VALIDATION", /^kafka: publish: not a feed event/);
    await expectFeedError(
      bus.subscribe("", async () => {}),
      "VALIDATION",
      /group/,
    );
    await bus.publish([]);
    await bus.close();
    await expectFeedError(bus.publish([post("1")]), "UNAVAILABLE", /^kafka: publish: .*closed/);
    await expectFeedError(bus.drain(), "UNAVAILABLE", /^kafka: drain: .*closed/);
    await expectFeedError(bus.lag(), "UNAVAILABLE", /^kafka: lag: .*closed/);
    await expectFeedError(
      bus.subscribe("g", async () => {}),
      "UNAVAILABLE",
      /^kafka: subscribe: .*closed/,
    );
    expect(() => new KafkaEventBus({})).toThrow(expect.objectContaining({ code: "VALIDATION" }));
    for (const partitions of [0, 1.5]) {
      expect(() => new KafkaEventBus({ brokers: ["127.0.0.1:9092"], partitions })).toThrow(
        expect.objectContaining({ code: "VALIDATION", field: "partitions" }),
      );
    }
  });

  it("maps Kafka errors by kind: invalid request VALIDATION, refusal FORBIDDEN, the rest UNAVAILABLE", async () => {
    const admin = rawKafka().admin();
    await admin.connect();
    let invalid: unknown;
    try {
      await admin.createTopics({ topics: [{ topic: `${uniquePrefix()}bad`, numPartitions: 1, replicationFactor: 9 }] });
    } catch (error) {
      invalid = error;
    } finally {
      await admin.disconnect();
    }
    expect(toFeedError(invalid, "createTopics")).toMatchObject({
      code: "VALIDATION",
      message: expect.stringMatching(/^kafka: createTopics: Kafka rejected the request/),
    });
    const refused = Object.assign(new Error("Not authorized"), { type: "TOPIC_AUTHORIZATION_FAILED" });
    expect(toFeedError(refused, "x").code).toBe("FORBIDDEN");
    expect(toFeedError(new Error("socket hang up"), "x").code).toBe("UNAVAILABLE");
  });

  it("a bus given a caller's KafkaJS client uses it and leaves it usable after close", async () => {
    const kafka = rawKafka();
    const prefix = sharedPrefix();
    const bus = new KafkaEventBus({ kafka, prefix, partitions: 1, consumer: { maxWaitTimeInMs: 50 } });
    const seen: string[] = [];
    await bus.subscribe("g", async (e) => void seen.push(e.id));
    const event = post("1");
    await bus.publish([event]);
    await bus.drain();
    expect(seen).toEqual([event.id]);
    await bus.close();
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).toContain(`${prefix}posts`);
  });

  it("abort() stops at once without committing; close() after it does nothing more", async () => {
    const bus = testBus();
    let release = () => {};
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const subscription = await bus.subscribe("g", async () => {
      calls++;
      await hung;
    });
    await bus.publish([post("1")]);
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = Date.now();
    await subscription.abort();
    await subscription.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    const lag = await bus.lag(["g"]);
    expect(lag.reduce((sum, l) => sum + l.lag, 0)).toBe(1);
    release();
  });
});

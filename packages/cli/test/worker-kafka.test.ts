import { FANOUT_GROUP, type FeedEvent, NOTIFICATIONS_GROUP, Snowflake } from "@feed-engine/core";
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import {
  brokers,
  metric,
  registerUsers,
  seriesCount,
  spawnWorker,
  timelineIds,
  waitUntil,
  workerBackends,
} from "./worker-harness.js";

// `feed-engine worker` through the built binary, against the run's PostgreSQL, Redis and Kafka. An engine in this
// process plays the API: it writes to the source of truth and publishes to Kafka; the workers deliver.
const b = workerBackends("worker_kafka");
/** Quick lag polls, and a 6 s session (Kafka's minimum) so a killed worker's partitions move within seconds. */
const args = (prefix: string) => [
  "--bus",
  b.bus,
  "--kafka-prefix",
  prefix,
  "--lag-interval",
  "200",
  "--session-timeout",
  "6000",
];

describe("feed-engine worker on Kafka (built binary)", () => {
  it("fan-out and notification workers deliver what an engine publishes; /metrics and /healthz report it", async () => {
    await b.migrate();
    const prefix = b.kafkaPrefix();
    const { engine } = b.engine(prefix);
    const fanout = spawnWorker("fanout", args(prefix), b.env);
    const notifications = spawnWorker("notifications", args(prefix), b.env);
    await Promise.all([fanout.waitForLog("subscribed"), notifications.waitForLog("subscribed")]);

    const authors = await registerUsers(engine, "a", 3);
    const followers = await registerUsers(engine, "f", 5);
    for (const follower of followers) for (const author of authors) await engine.follow(follower, author);
    const mentioned = await engine.getUser(followers[0]!);
    const posts: string[] = [];
    for (const author of authors) {
      for (let i = 0; i < 2; i++) posts.push((await engine.post(author, { text: `#${i} hi @${mentioned.handle}` })).id);
    }

    await waitUntil("every follower's timeline holds every post", async () => {
      for (const follower of followers) {
        const ids = await timelineIds(engine, follower);
        if (!posts.every((id) => ids.includes(id))) return false;
      }
      return true;
    });
    await waitUntil("the mention notifications are written", async () =>
      (await engine.notifications(mentioned.id)).items.some((item) => item.type === "mention"),
    );
    // Lag 0 on all 18 partitions (3 topics x 6) once a poll saw the commits.
    await waitUntil("the fan-out worker's lag gauge reads 0 on every partition", async () => {
      const text = await fanout.metrics();
      return seriesCount(text, "feed_engine_consumer_lag") === 18 && metric(text, "feed_engine_consumer_lag") === 0;
    });

    const text = await fanout.metrics();
    const group = { group: FANOUT_GROUP };
    expect(metric(text, "feed_engine_events_handled_total", { ...group, type: "post.created" })).toBe(6);
    expect(metric(text, "feed_engine_events_handled_total", { ...group, type: "graph.followed" })).toBe(15);
    expect(metric(text, "feed_engine_fanout_deliveries_total")).toBe(6 * 5);
    expect(metric(text, "feed_engine_fanout_posts_total", { mode: "push" })).toBe(6);
    expect(metric(text, "feed_engine_batch_duration_seconds_count", group)).toBe(21);
    expect(metric(text, "feed_engine_batch_duration_seconds_bucket", { ...group, le: "+Inf" })).toBe(21);
    expect(metric(text, "feed_engine_handler_errors_total", group)).toBe(0);
    expect(metric(text, "feed_engine_events_dead_lettered_total", group)).toBe(0);
    expect(metric(text, "feed_engine_worker_subscribed", group)).toBe(1);
    expect(text).toContain("# TYPE feed_engine_batch_duration_seconds histogram");

    const notes = await notifications.metrics();
    expect(
      metric(notes, "feed_engine_events_handled_total", { group: NOTIFICATIONS_GROUP, type: "post.created" }),
    ).toBe(6);
    expect(metric(notes, "feed_engine_fanout_deliveries_total")).toBe(0);

    const health = await fanout.health();
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: "ok", worker: "fanout", group: FANOUT_GROUP, subscribed: true });
    expect(health.body.lastLagPoll).toMatchObject({ ok: true, total: 0 });

    fanout.child.kill("SIGTERM");
    notifications.child.kill("SIGTERM");
    expect(await fanout.exited).toEqual({ code: 0, signal: null });
    expect(await notifications.exited).toEqual({ code: 0, signal: null });
    expect(fanout.lines.find((line) => line.msg === "stopped")).toMatchObject({ handled: 21, deliveries: 30 });
    // Structured logs: every stderr line is one JSON object with ts, level and msg.
    for (const line of [...fanout.lines, ...notifications.lines]) {
      expect(line).toMatchObject({ ts: expect.any(String), level: expect.any(String), msg: expect.any(String) });
    }
  }, 90_000);

  it("two fan-out workers share the partitions; after one is SIGKILLed the other takes over and nothing is lost", async () => {
    await b.migrate();
    const prefix = b.kafkaPrefix();
    const { engine } = b.engine(prefix);
    const first = spawnWorker("fanout", args(prefix), b.env);
    await first.waitForLog("subscribed");
    const second = spawnWorker("fanout", args(prefix), b.env);
    await second.waitForLog("subscribed");
    await waitUntil("the group is stable with two members", () => groupMembers(`${prefix}${FANOUT_GROUP}`, 2));

    const authors = await registerUsers(engine, "k", 12);
    const followers = await registerUsers(engine, "r", 4);
    for (const follower of followers) for (const author of authors) await engine.follow(follower, author);
    const delivered = async (posts: string[]) => {
      for (const follower of followers) {
        const ids = await timelineIds(engine, follower);
        if (!posts.every((id) => ids.includes(id))) return false;
      }
      return true;
    };
    const round = async (n: number) => {
      const ids: string[] = [];
      for (const author of authors) ids.push((await engine.post(author, { text: `round ${n}` })).id);
      return ids;
    };

    const before = await round(1);
    await waitUntil("round 1 reached every follower", () => delivered(before));
    const handled = async (worker: typeof first) =>
      metric(await worker.metrics(), "feed_engine_events_handled_total", { group: FANOUT_GROUP });
    // 12 authors' posts and 4 followers' follows are keyed over 12 partitions: each worker got some of them.
    expect(await handled(first)).toBeGreaterThan(0);
    expect(await handled(second)).toBeGreaterThan(0);
    const secondPostsBefore = metric(await second.metrics(), "feed_engine_events_handled_total", {
      type: "post.created",
    });

    first.child.kill("SIGKILL");
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
    const after = await round(2);
    // The group notices the dead member after the 6 s session timeout, then hands its partitions to the survivor.
    await waitUntil("round 2 reached every follower through the surviving worker", () => delivered(after), 60_000);
    const secondPostsAfter = metric(await second.metrics(), "feed_engine_events_handled_total", {
      type: "post.created",
    });
    // Every post of round 2 (including those on the dead worker's partitions) was handled by the survivor.
    expect(secondPostsAfter - secondPostsBefore).toBeGreaterThanOrEqual(12);
    expect(await delivered([...before, ...after])).toBe(true);

    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
  }, 120_000);

  it("SIGTERM finishes the event in hand, commits and exits 0; a restart handles exactly the rest", async () => {
    await b.migrate();
    const prefix = b.kafkaPrefix();
    const { engine, bus } = b.engine(prefix);
    const [author] = await registerUsers(engine, "s", 1);
    const followers = await registerUsers(engine, "t", 100);
    await engine.importFollows(followers.map((follower) => [follower, author!] as const));
    const post = await engine.post(author!, { text: "one post, fanned out again and again" });
    // 600 more post.created events for it (each fans out to 100 followers again, idempotently), all keyed by the
    // author: one partition, handled one after another.
    const ids = new Snowflake({ workerId: 77 });
    for (let chunk = 0; chunk < 6; chunk++) {
      const events: FeedEvent[] = Array.from({ length: 100 }, () => ({
        type: "post.created",
        id: ids.next(),
        at: Date.now(),
        postId: post.id,
        authorId: author!,
      }));
      await bus.publish(events);
    }
    const total = 601;

    const worker = spawnWorker("fanout", args(prefix), b.env);
    await worker.waitForLog("subscribed");
    await waitUntil("the worker is under way", async () => {
      return metric(await worker.metrics(), "feed_engine_events_handled_total") >= 20;
    });
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    const firstRun = Number((await worker.waitForLog("stopped")).handled);
    expect(firstRun).toBeGreaterThanOrEqual(20);
    expect(firstRun).toBeLessThan(total);
    // What the group committed is exactly what the worker handled: the in-flight event was finished and committed.
    const committed = (await bus.lag([FANOUT_GROUP]))
      .filter((lag) => lag.topic.endsWith("posts"))
      .reduce((sum, lag) => sum + Math.max(0, lag.committed), 0);
    expect(committed).toBe(firstRun);

    const restarted = spawnWorker("fanout", args(prefix), b.env);
    await restarted.waitForLog("subscribed");
    await waitUntil("the restarted worker caught up", async () => {
      const lag = await bus.lag([FANOUT_GROUP]);
      return lag.reduce((sum, l) => sum + l.lag, 0) === 0;
    });
    restarted.child.kill("SIGTERM");
    expect((await restarted.exited).code).toBe(0);
    // We assert no re-delivery: the restart handled exactly the events the first run had not committed.
    expect(Number((await restarted.waitForLog("stopped")).handled)).toBe(total - firstRun);
    expect(await timelineIds(engine, followers[0]!)).toContain(post.id);
  }, 120_000);
});

/** True when consumer group `groupId` is Stable with `count` members. */
async function groupMembers(groupId: string, count: number): Promise<boolean> {
  const admin = new Kafka({ brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.state === "Stable" && groups[0].members.length === count;
  } finally {
    await admin.disconnect();
  }
}

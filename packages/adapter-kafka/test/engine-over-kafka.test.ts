import {
  createFeedEngine,
  type FeedStores,
  MemoryActivityStore,
  MemoryGraphStore,
  MemoryNotificationStore,
  MemoryPostStore,
  MemoryTimelineStore,
  MemoryUserStore,
  pushAll,
} from "@feed-engine/core";
import { describe, expect, it, onTestFinished } from "vitest";
import { QUICK_CONSUMER, sharedPrefix, testBus } from "./kafka-test-bus.js";

function memoryStores(): FeedStores {
  return {
    users: new MemoryUserStore(),
    posts: new MemoryPostStore(),
    graph: new MemoryGraphStore(),
    timelines: new MemoryTimelineStore({ cap: 800 }),
    notifications: new MemoryNotificationStore(),
    activity: new MemoryActivityStore(),
  };
}

describe("the engine over Kafka", () => {
  it("an API engine publishes, a worker engine on another bus fans out, and the API's drain() waits for it", async () => {
    const prefix = sharedPrefix();
    const stores = memoryStores(); // shared, as a database would be between processes
    const api = createFeedEngine({ stores, policy: pushAll(), bus: testBus({ prefix }), runWorkers: false });
    const worker = createFeedEngine({
      stores,
      policy: pushAll(),
      bus: testBus({ prefix, consumer: QUICK_CONSUMER }),
    });
    onTestFinished(() => worker.close());
    onTestFinished(() => api.close());
    await worker.ready();
    const alice = await api.registerUser({ handle: "alice" });
    const bob = await api.registerUser({ handle: "bob" });
    await api.follow(bob.id, alice.id);
    const posts = [];
    for (let i = 0; i < 5; i++) posts.push(await api.post(alice.id, { text: `hello ${i} @bob` }));
    await api.drain();
    const home = await api.homeTimeline(bob.id, { limit: 10 });
    expect(home.items.map((item) => item.id)).toEqual(posts.map((p) => p.id).reverse());
    const notifications = await api.notifications(alice.id);
    expect(notifications.items.map((group) => group.type)).toContain("follow");
    const mentions = await api.notifications(bob.id);
    expect(mentions.items.filter((group) => group.type === "mention")).toHaveLength(5);
  });
});

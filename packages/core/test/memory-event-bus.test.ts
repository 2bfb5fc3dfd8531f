import { describe, expect, it } from "vitest";
import { MemoryEventBus } from "../src/bus/memory-event-bus.js";
import type { FeedEvent, PostCreated } from "../src/domain/events.js";
import { isFeedError } from "../src/errors/feed-error.js";
import { eventBusContract } from "../src/testing/event-bus-contract.js";

const instant = async () => {};

// The contract runs with keepGroups, so that its restart tests apply; without it the bus differs only in dropping a
// group's queue when its last member leaves (tested below).
eventBusContract("MemoryEventBus (keepGroups)", () => new MemoryEventBus({ keepGroups: true, sleep: instant }), {
  drain: true,
  deadLetters: true,
  durableGroups: true,
  abort: true,
});
eventBusContract(
  "MemoryEventBus (keepGroups, autoDrain off)",
  () => new MemoryEventBus({ keepGroups: true, autoDrain: false, sleep: instant }),
  { drain: true, deadLetters: true, durableGroups: true, abort: true },
);
eventBusContract(
  "MemoryEventBus (keepGroups, polled)",
  () => new MemoryEventBus({ keepGroups: true, sleep: instant }),
  {
    drain: false,
    deadLetters: true,
    durableGroups: true,
    abort: true,
  },
);

let n = 0;
function event(authorId = "1"): PostCreated {
  n++;
  return { type: "post.created", id: String(n), at: n, postId: String(n), authorId };
}

/** Settles after `ms` real milliseconds. */
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("MemoryEventBus", () => {
  it("with autoDrain, handlers run after publish returns, and drain() waits for them", async () => {
    const bus = new MemoryEventBus({ sleep: instant });
    const seen: FeedEvent[] = [];
    await bus.subscribe("g", async (e) => {
      seen.push(e);
    });
    const e = event();
    await bus.publish([e]);
    expect(seen).toEqual([]);
    expect(bus.pending).toBe(1);
    await bus.drain();
    expect(seen).toEqual([e]);
    expect(bus.pending).toBe(0);
    await bus.publish([event()]);
    await delay(20);
    expect(seen).toHaveLength(2);
    await bus.close();
  });

  it("without autoDrain, nothing runs until drain()", async () => {
    const bus = new MemoryEventBus({ autoDrain: false });
    let calls = 0;
    await bus.subscribe("g", async () => {
      calls++;
    });
    await bus.publish([event(), event()]);
    await delay(20);
    expect(calls).toBe(0);
    await Promise.all([bus.drain(), bus.drain()]);
    expect(calls).toBe(2);
    await bus.close();
  });

  it("waits retry(attempt, random) between attempts and dead-letters after maxAttempts", async () => {
    const waits: number[] = [];
    const asked: number[] = [];
    const bus = new MemoryEventBus({
      maxAttempts: 3,
      random: () => 0.5,
      retry: (attempt, random) => {
        asked.push(attempt);
        return attempt * 100 * random();
      },
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const e = event();
    await bus.subscribe("g", async () => {
      throw new Error("always");
    });
    await bus.publish([e]);
    await bus.drain();
    expect(asked).toEqual([1, 2]);
    expect(waits).toEqual([50, 100]);
    expect(bus.deadLetters).toEqual([{ group: "g", event: e, attempts: 3, error: "always" }]);
  });

  it("while draining, a slow group does not hold up the others, and handlers never run inside publish", async () => {
    const bus = new MemoryEventBus({ autoDrain: false, sleep: instant });
    let release = () => {};
    const fast: string[] = [];
    await bus.subscribe("slow", async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await bus.publish([event()]);
    const draining = bus.drain();
    await delay(10);
    await bus.subscribe("fast", async (e) => void fast.push(e.id));
    const e = event();
    const publishing = bus.publish([e]);
    expect(fast).toEqual([]);
    await publishing;
    await delay(10);
    expect(fast).toEqual([e.id]);
    release();
    await delay(10);
    release(); // the slow group got `e` too
    await draining;
    expect(bus.pending).toBe(0);
  });

  it("gives each event of a group to one member, in turn", async () => {
    const bus = new MemoryEventBus({ sleep: instant });
    const a: string[] = [];
    const b: string[] = [];
    await bus.subscribe("g", async (e) => void a.push(e.id));
    const second = await bus.subscribe("g", async (e) => void b.push(e.id));
    const events = [event(), event(), event(), event()];
    await bus.publish(events);
    await bus.drain();
    expect([...a, ...b].sort()).toEqual(events.map((e) => e.id).sort());
    expect(a).toHaveLength(2);
    await second.close();
    await bus.publish([event()]);
    await bus.drain();
    expect(a).toHaveLength(3);
  });

  it("forgets a group when its last member leaves", async () => {
    const bus = new MemoryEventBus({ autoDrain: false });
    const sub = await bus.subscribe("g", async () => {});
    await bus.publish([event(), event()]);
    expect(bus.pending).toBe(2);
    await sub.close();
    expect(bus.pending).toBe(0);
    await bus.drain();
  });

  it("with keepGroups, a group keeps its queue without members and its next member resumes it", async () => {
    const bus = new MemoryEventBus({ keepGroups: true, sleep: instant });
    const first: string[] = [];
    const sub = await bus.subscribe("g", async (e) => void first.push(e.id));
    await sub.close();
    const e1 = event();
    const e2 = event();
    await bus.publish([e1, e2]);
    await bus.drain();
    expect(bus.pending).toBe(2);
    const second: string[] = [];
    await bus.subscribe("g", async (e) => void second.push(e.id));
    await bus.drain();
    expect(first).toEqual([]);
    expect(second).toEqual([e1.id, e2.id]);
    expect(bus.pending).toBe(0);
  });

  it("abort abandons the event in hand without waiting: it goes to the next member, and the attempt does not count", async () => {
    const bus = new MemoryEventBus({ maxAttempts: 1, sleep: instant });
    let started = false;
    const stuck = await bus.subscribe("g", async () => {
      started = true;
      await new Promise(() => {});
    });
    const other: string[] = [];
    await bus.subscribe("g", async (e) => void other.push(e.id));
    const e = event();
    await bus.publish([e]);
    await delay(10);
    expect(started).toBe(true);
    await stuck.abort!();
    await stuck.close();
    await bus.drain();
    expect(other).toEqual([e.id]);
    expect(bus.deadLetters).toEqual([]);
    await bus.close();
  });

  it("subscription close waits for the event being handled", async () => {
    const bus = new MemoryEventBus({ sleep: instant });
    let release = () => {};
    let finished = false;
    const sub = await bus.subscribe("g", async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      finished = true;
    });
    await bus.publish([event()]);
    await delay(10);
    const closing = sub.close();
    await delay(10);
    expect(finished).toBe(false);
    release();
    await closing;
    expect(finished).toBe(true);
    await bus.drain();
  });

  it("close ends a long retry wait at once and makes publish and subscribe reject UNAVAILABLE", async () => {
    const bus = new MemoryEventBus({ retry: () => 60_000 });
    await bus.subscribe("g", async () => {
      throw new Error("down");
    });
    await bus.publish([event()]);
    await delay(20);
    const started = Date.now();
    await bus.close();
    await bus.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    await bus.drain();
    await expect(bus.publish([event()])).rejects.toSatisfy((e) => isFeedError(e, "UNAVAILABLE"));
    await expect(bus.subscribe("h", async () => {})).rejects.toSatisfy((e) => isFeedError(e, "UNAVAILABLE"));
  });

  it("a failing sleep neither loses the event nor escapes publish; drain() reports it", async () => {
    const bus = new MemoryEventBus({
      autoDrain: false,
      sleep: async () => {
        throw new Error("no timers");
      },
    });
    let calls = 0;
    await bus.subscribe("g", async () => {
      calls++;
      if (calls === 1) throw new Error("once");
    });
    await bus.publish([event()]);
    await expect(bus.drain()).rejects.toSatisfy((e) => isFeedError(e, "UNAVAILABLE"));
    expect(calls).toBe(2);
    await bus.drain();
  });

  it("rejects bad options and group names", async () => {
    for (const maxAttempts of [0, 1.5]) expect(() => new MemoryEventBus({ maxAttempts })).toThrow();
    const bus = new MemoryEventBus();
    await expect(bus.subscribe("", async () => {})).rejects.toSatisfy((e) => isFeedError(e, "VALIDATION"));
  });

  it("hands handlers frozen copies", async () => {
    const bus = new MemoryEventBus({ sleep: instant });
    const e = event();
    let got: FeedEvent | undefined;
    await bus.subscribe("g", async (x) => {
      got = x;
    });
    await bus.publish([e]);
    await bus.drain();
    expect(got).toEqual(e);
    expect(got).not.toBe(e);
    expect(Object.isFrozen(got)).toBe(true);
    expect(Object.isFrozen(e)).toBe(false);
  });
});

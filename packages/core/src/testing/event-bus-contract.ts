import { randomUUID } from "node:crypto";
import { describe, expect, it, onTestFinished } from "vitest";
import type { FeedEvent, PostCreated } from "../domain/events.js";
import type { DeadLetter, EventBus, EventHandler } from "../ports/event-bus.js";

/** What the bus under test can do; tests that need more are skipped. */
export interface EventBusContractCapabilities {
  /** The bus has `drain()`; otherwise the suite polls until what it expects arrives. */
  drain: boolean;
  /** The bus exposes `deadLetters: readonly DeadLetter[]` and moves an event there after its last failed attempt. */
  deadLetters: boolean;
  /**
   * A group keeps its place while it has no members: events published meanwhile reach its next member (Kafka consumer
   * groups; `MemoryEventBus` with `keepGroups`). Needed by the restart and redelivery tests. Default false.
   */
  durableGroups?: boolean;
  /** Subscriptions have `abort()`, which stops a member as if it had died (see `Subscription.abort`). Default false. */
  abort?: boolean;
}

/** Polls `predicate` every 10 ms until it holds; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`waitFor: condition still false after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// Event ids unique across runs, so a bus that shares a topic with earlier runs cannot confuse the suite.
let nextEventId = BigInt(Date.now()) << 22n;

/** A `post.created` event by `authorId` (its partition key) with a fresh id. */
function created(authorId: string): PostCreated {
  nextEventId += 1n;
  const id = nextEventId.toString();
  return { type: "post.created", id, at: Date.now(), postId: id, authorId };
}

/** What one group saw of the events this test published (others are ignored). */
class Seen {
  readonly events: FeedEvent[] = [];
  constructor(readonly mine: Set<string>) {}

  /** A handler recording this test's events, after `before` runs (and may throw, or wait). */
  handler(before: (event: FeedEvent) => void | Promise<void> = () => {}): EventHandler {
    return async (event) => {
      if (!this.mine.has(event.id)) return;
      this.events.push(event);
      await before(event);
    };
  }

  ids(): string[] {
    return this.events.map((e) => e.id);
  }

  /** Ids in order of first arrival: at-least-once buses may repeat an event, never reorder its first arrival. */
  firstIds(): string[] {
    return [...new Set(this.ids())];
  }

  has(events: readonly FeedEvent[]): boolean {
    const ids = new Set(this.ids());
    return events.every((e) => ids.has(e.id));
  }
}

/** `count` events over `keys` authors ("k0", "k1", ...), round-robin. */
function spread(count: number, keys: number): PostCreated[] {
  return Array.from({ length: count }, (_, i) => created(`k${i % keys}`));
}

/** Fails unless, for every author, the events of `events` that `ids` holds (all or some) are in publish order. */
function expectKeyOrder(ids: readonly string[], events: readonly PostCreated[]): void {
  const authors = new Set(events.map((e) => e.authorId));
  for (const author of authors) {
    const sent = events.filter((e) => e.authorId === author).map((e) => e.id);
    const got = ids.filter((id) => sent.includes(id));
    expect(got, `order of author ${author}`).toEqual(sent.filter((id) => got.includes(id)));
  }
}

/**
 * The behaviour every {@link EventBus} must have, as a vitest suite. `factory` makes a fresh bus for each test (the
 * suite closes it); its retries should be quick, and it must allow at least 3 attempts per event.
 *
 * @example
 * eventBusContract("MemoryEventBus", () => new MemoryEventBus({ sleep: async () => {} }), { drain: true, deadLetters: true });
 */
export function eventBusContract(
  name: string,
  factory: () => EventBus | Promise<EventBus>,
  capabilities: EventBusContractCapabilities,
): void {
  /** A fresh bus, closed when the test ends, and the set of event ids this test publishes. */
  async function open() {
    const bus = await factory();
    onTestFinished(() => bus.close());
    const mine = new Set<string>();
    const publish = (events: FeedEvent[]) => {
      for (const e of events) mine.add(e.id);
      return bus.publish(events);
    };
    const settle = async (done: () => boolean) => {
      if (capabilities.drain) {
        await bus.drain!();
        if (!done()) throw new Error("drain() resolved before everything expected had arrived");
      } else {
        await waitFor(done);
      }
    };
    const group = () => `contract-${randomUUID()}`;
    return { bus, mine, publish, settle, group };
  }

  describe(`${name}: EventBus contract`, () => {
    it("every group receives every event published after it subscribed", async () => {
      const { bus, mine, publish, settle, group } = await open();
      const groups = [new Seen(mine), new Seen(mine), new Seen(mine)];
      for (const seen of groups) await bus.subscribe(group(), seen.handler());
      const events = ["1", "2", "3", "4", "5", "6", "7"].map(created);
      await publish(events.slice(0, 3));
      await publish(events.slice(3));
      await settle(() => groups.every((seen) => seen.has(events)));
      for (const seen of groups) expect(new Set(seen.ids())).toEqual(new Set(events.map((e) => e.id)));
    });

    it("delivers the events of one key in publish order within each group", async () => {
      const { bus, mine, publish, settle, group } = await open();
      const groups = [new Seen(mine), new Seen(mine)];
      for (const seen of groups) await bus.subscribe(group(), seen.handler());
      const keys = ["1", "2", "3"];
      const events = Array.from({ length: 30 }, (_, i) => created(keys[(i * 7) % 3]!));
      await publish(events.slice(0, 1));
      await publish(events.slice(1, 12));
      for (const e of events.slice(12, 18)) await publish([e]);
      await publish(events.slice(18));
      await settle(() => groups.every((seen) => seen.has(events)));
      for (const seen of groups) {
        const first = seen.firstIds();
        for (const key of keys) {
          const sent = events.filter((e) => e.type === "post.created" && e.authorId === key).map((e) => e.id);
          expect(first.filter((id) => sent.includes(id))).toEqual(sent);
        }
      }
    });

    it("retries a failing event in place: it is seen again, nothing is lost or reordered", async () => {
      const { bus, mine, publish, settle, group } = await open();
      const events = ["1", "1", "1", "1"].map(created);
      const flaky = events[1]!;
      let failures = 0;
      const failing = new Seen(mine);
      const steady = new Seen(mine);
      await bus.subscribe(
        group(),
        failing.handler((event) => {
          if (event.id === flaky.id && failures < 2) {
            failures++;
            throw new Error(`flaky failure ${failures}`);
          }
        }),
      );
      await bus.subscribe(group(), steady.handler());
      await publish(events);
      await settle(() => failing.has(events) && steady.has(events));
      const ids = events.map((e) => e.id);
      expect(failing.ids()).toEqual([ids[0], flaky.id, flaky.id, flaky.id, ids[2], ids[3]]);
      expect(steady.ids()).toEqual(ids);
      expect(failing.events[1]).toEqual(flaky);
      if (capabilities.deadLetters) expect(deadLettersOf(bus).filter((d) => mine.has(d.event.id))).toEqual([]);
    });

    it.skipIf(!capabilities.deadLetters)(
      "dead-letters an event that fails every attempt, and later events still arrive",
      async () => {
        const { bus, mine, publish, settle, group } = await open();
        const name = group();
        const events = ["1", "1", "1"].map(created);
        const poison = events[1]!;
        const seen = new Seen(mine);
        await bus.subscribe(
          name,
          seen.handler((event) => {
            if (event.id === poison.id) throw new Error(`poison ${event.id}`);
          }),
        );
        await publish(events);
        await settle(() => seen.has(events) && deadLettersOf(bus).some((d) => d.event.id === poison.id));
        const attempts = seen.ids().filter((id) => id === poison.id).length;
        expect(attempts).toBeGreaterThanOrEqual(1);
        expect(seen.ids()).toEqual([events[0]!.id, ...Array(attempts).fill(poison.id), events[2]!.id]);
        const letters = deadLettersOf(bus).filter((d) => mine.has(d.event.id));
        expect(letters).toEqual([{ group: name, event: poison, attempts, error: expect.stringContaining("poison") }]);
      },
    );

    it("delivers events that handlers publish", async () => {
      const { bus, mine, publish, settle, group } = await open();
      // One key: a bus orders events of one key only, and `other` may see both before it handles either.
      const first = created("1");
      const followUp = created("1");
      const publisher = new Seen(mine);
      const other = new Seen(mine);
      await bus.subscribe(
        group(),
        publisher.handler((event) => {
          if (event.id === first.id) void publish([followUp]);
        }),
      );
      await bus.subscribe(group(), other.handler());
      await publish([first]);
      await settle(() => publisher.has([first, followUp]) && other.has([first, followUp]));
      expect(publisher.firstIds()).toEqual([first.id, followUp.id]);
      expect(other.firstIds()).toEqual([first.id, followUp.id]);
    });

    it("two members of one group split the events: each a non-empty share, none to both, all in all", async () => {
      const { bus, mine, publish, settle, group } = await open();
      const name = group();
      const a = new Seen(mine);
      const b = new Seen(mine);
      await bus.subscribe(name, a.handler());
      await bus.subscribe(name, b.handler());
      const events = spread(60, 30);
      await publish(events.slice(0, 20));
      await publish(events.slice(20));
      await settle(() => new Set([...a.ids(), ...b.ids()]).size === events.length);
      expect(a.events.length).toBeGreaterThan(0);
      expect(b.events.length).toBeGreaterThan(0);
      const inA = new Set(a.ids());
      expect(b.ids().filter((id) => inA.has(id))).toEqual([]);
      expect(new Set([...a.ids(), ...b.ids()])).toEqual(new Set(events.map((e) => e.id)));
      expectKeyOrder(a.firstIds(), events);
      expectKeyOrder(b.firstIds(), events);
    });

    it.skipIf(!capabilities.durableGroups)(
      "loses nothing across a consumer restart: events published while a group had no member reach the next one",
      async () => {
        const { bus, mine, publish, settle, group } = await open();
        const name = group();
        const first = new Seen(mine);
        const subscription = await bus.subscribe(name, first.handler());
        const before = spread(12, 4);
        await publish(before);
        await settle(() => first.has(before));
        await subscription.close();
        const during = spread(12, 4);
        await publish(during);
        const second = new Seen(mine);
        await bus.subscribe(name, second.handler());
        const after = spread(12, 4);
        await publish(after);
        await settle(() => second.has([...during, ...after]));
        expect(first.ids().filter((id) => !before.some((e) => e.id === id))).toEqual([]);
        // A clean close acknowledged everything the first member had handled.
        expect(second.ids().filter((id) => before.some((e) => e.id === id))).toEqual([]);
        expectKeyOrder(second.firstIds(), [...during, ...after]);
      },
    );

    it.skipIf(!capabilities.durableGroups || !capabilities.abort)(
      "redelivers what a member that died before acknowledging had taken, to the next member, in order",
      async () => {
        const { bus, mine, publish, settle, group } = await open();
        const name = group();
        const events = spread(4, 1);
        const stuck = events[1]!;
        let reached = false;
        let release = () => {};
        const hung = new Promise<void>((resolve) => {
          release = resolve;
        });
        onTestFinished(() => release());
        const dying = new Seen(mine);
        const subscription = await bus.subscribe(
          name,
          dying.handler(async (event) => {
            if (event.id !== stuck.id) return;
            reached = true;
            await hung;
          }),
        );
        await publish(events);
        // A bus that runs handlers only while drained needs a drain to reach the stuck event; it may end early.
        const background = capabilities.drain ? bus.drain!().catch(() => {}) : undefined;
        await waitFor(() => reached);
        await subscription.abort!();
        const next = new Seen(mine);
        await bus.subscribe(name, next.handler());
        await settle(() => next.has(events.slice(1)));
        expect(dying.ids()).toEqual([events[0]!.id, stuck.id]);
        // The first event may come again (at-least-once); the stuck one and those after it must, in order.
        expect(next.firstIds().filter((id) => id !== events[0]!.id)).toEqual(events.slice(1).map((e) => e.id));
        release();
        await background;
      },
    );

    it("a closed subscription receives nothing more; close is idempotent", async () => {
      const { bus, mine, publish, settle, group } = await open();
      const closed = new Seen(mine);
      const open_ = new Seen(mine);
      const subscription = await bus.subscribe(group(), closed.handler());
      await bus.subscribe(group(), open_.handler());
      await subscription.close();
      await subscription.close();
      const events = [created("1"), created("2")];
      await publish(events);
      await settle(() => open_.has(events));
      expect(closed.events).toEqual([]);
      await bus.close();
      await bus.close();
    });
  });
}

/** The bus's dead letters; fails the test when a bus that says it has them does not. */
function deadLettersOf(bus: EventBus): readonly DeadLetter[] {
  const letters = (bus as EventBus & { deadLetters?: readonly DeadLetter[] }).deadLetters;
  if (letters === undefined) throw new Error("the bus declares deadLetters but has no `deadLetters` property");
  return letters;
}

import type { FeedEvent } from "../domain/events.js";
import { FeedError } from "../errors/feed-error.js";
import type { DeadLetter, EventBus, EventHandler, Subscription } from "../ports/event-bus.js";
import { exponentialBackoff, type RetryPolicy } from "./retry-policy.js";

/** Options for {@link MemoryEventBus}. */
export interface MemoryEventBusOptions {
  /** Run handlers by themselves shortly after each publish (on `setImmediate`, once per burst). Default true. */
  autoDrain?: boolean;
  /** Attempts per event and group before it is dead-lettered (an integer >= 1). Default 5. */
  maxAttempts?: number;
  /** How long to wait before retrying a failed event. Default `exponentialBackoff()`. */
  retry?: RetryPolicy;
  /** The random source handed to `retry`. Default `Math.random`. */
  random?: () => number;
  /** Waits `ms` milliseconds; inject `async () => {}` to make retries instant in tests. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Keep a group's queue when its last member leaves, so its next member resumes where the group stopped (as a Kafka
   * consumer group does). Default false: the group and its queue are dropped.
   */
  keepGroups?: boolean;
}

/** One subscriber of a group. */
interface Member {
  handler: EventHandler;
}

/** What an attempt settles with when its member was aborted: it does not count, and the event goes to another. */
const ABORTED = Symbol("aborted");

/** A consumer group: its own queue of events, handled one at a time in publish order by one of its members. */
interface Group {
  name: string;
  queue: FeedEvent[];
  /** Index of the event at the front; the queue is compacted now and then rather than shifted. */
  head: number;
  members: Member[];
  /** Round-robin position among the members. */
  turn: number;
  running: boolean;
  stopped: boolean;
  /** The attempt in progress, so a closing member can wait for it. Never rejects. */
  current: { member: Member; done: Promise<Failure | typeof ABORTED>; abandon: () => void } | undefined;
  /** Ends the retry wait in progress (when the group stops). */
  wake: (() => void) | undefined;
}

/** Outcome of one attempt: `undefined` when the handler succeeded. */
type Failure = { error: unknown } | undefined;

/**
 * An in-process event bus: the embedded default and the reference for the other buses.
 *
 * Each consumer group has its own queue of the events published after it subscribed, handled one at a time in
 * publish order (so events with one key are trivially in order). Subscribing again to a group adds a member: each
 * event then goes to one member, in turn, as in a Kafka consumer group. A failing event is retried in place (the
 * group waits, like a Kafka partition) and dead-lettered after `maxAttempts`. Closing the last member of a group
 * forgets the group and its queue, unless `keepGroups` is set. Aborting a member abandons the attempt it was making:
 * the event goes to the group's next member (when it has one).
 *
 * Do not await `close()` (of the bus or of a subscription) from inside a handler: it waits for that handler.
 */
export class MemoryEventBus implements EventBus {
  readonly #groups = new Map<string, Group>();
  readonly #deadLetters: DeadLetter[] = [];
  readonly #runners = new Set<Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #autoDrain: boolean;
  readonly #maxAttempts: number;
  readonly #retry: RetryPolicy;
  readonly #random: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #keepGroups: boolean;
  #scheduled = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** A failure of the retry policy or `sleep` (not of a handler), reported by the next `drain()`. */
  #failure: { error: unknown } | undefined;

  constructor(options: MemoryEventBusOptions = {}) {
    const maxAttempts = options.maxAttempts ?? 5;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      const got = String(maxAttempts);
      throw new FeedError("VALIDATION", `maxAttempts must be an integer >= 1 (got ${got})`, { field: "maxAttempts" });
    }
    this.#autoDrain = options.autoDrain ?? true;
    this.#maxAttempts = maxAttempts;
    this.#retry = options.retry ?? exponentialBackoff();
    this.#random = options.random ?? Math.random;
    this.#sleep = options.sleep ?? ((ms) => this.#timer(ms));
    this.#keepGroups = options.keepGroups ?? false;
  }

  /** Events that failed every attempt, oldest first. */
  get deadLetters(): readonly DeadLetter[] {
    return this.#deadLetters;
  }

  /** Events not yet handled (nor dead-lettered), summed over groups; an event being handled still counts. */
  get pending(): number {
    let count = 0;
    for (const group of this.#groups.values()) count += group.queue.length - group.head;
    return count;
  }

  /** Queues the events for every subscribed group. Rejects with `UNAVAILABLE` once the bus is closed. */
  async publish(events: readonly FeedEvent[]): Promise<void> {
    if (this.#closed) throw new FeedError("UNAVAILABLE", "MemoryEventBus is closed; create a new bus to publish");
    if (events.length === 0) return;
    // One frozen copy per event, shared by the groups: no handler or caller can change what another one sees.
    const copies = events.map((event) => Object.freeze({ ...event }));
    for (const group of this.#groups.values()) for (const event of copies) group.queue.push(event);
    this.#kick();
  }

  /** Adds a member to consumer group `group`; it receives the events published from now on. */
  async subscribe(group: string, handler: EventHandler): Promise<Subscription> {
    if (this.#closed) throw new FeedError("UNAVAILABLE", "MemoryEventBus is closed; create a new bus to subscribe");
    if (typeof group !== "string" || group.length === 0) {
      throw new FeedError("VALIDATION", "group must be a non-empty string", { field: "group" });
    }
    let entry = this.#groups.get(group);
    if (entry === undefined) {
      entry = {
        name: group,
        queue: [],
        head: 0,
        members: [],
        turn: 0,
        running: false,
        stopped: false,
        current: undefined,
        wake: undefined,
      };
      this.#groups.set(group, entry);
    }
    const member: Member = { handler };
    entry.members.push(member);
    // A kept group may hold events from before this member joined.
    if (entry.head < entry.queue.length) this.#kick();
    const joined = entry;
    let closing: Promise<void> | undefined;
    return {
      close: () => (closing ??= this.#leave(joined, member)),
      abort: () => (closing ??= this.#abort(joined, member)),
    };
  }

  /**
   * Runs every group until all queues are empty, including events published by handlers meanwhile; concurrent calls
   * share the work. Rejects only when the retry policy or `sleep` failed; handler errors become retries and dead
   * letters.
   */
  async drain(): Promise<void> {
    await this.#drainAll();
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure !== undefined) {
      throw new FeedError(
        "UNAVAILABLE",
        `MemoryEventBus: the retry policy or sleep failed: ${messageOf(failure.error)}`,
        {
          cause: failure.error,
        },
      );
    }
  }

  /** Stops every group (waiting for the attempts in progress), drops their queues and rejects later publishes. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    const inFlight: Promise<unknown>[] = [];
    for (const group of this.#groups.values()) {
      if (group.current) inFlight.push(group.current.done);
      stop(group);
    }
    this.#groups.clear();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await Promise.all(inFlight);
    await Promise.all(this.#runners);
  }

  async #leave(group: Group, member: Member): Promise<void> {
    const current = group.current;
    this.#remove(group, member);
    if (current?.member === member) await current.done;
  }

  async #abort(group: Group, member: Member): Promise<void> {
    const current = group.current;
    this.#remove(group, member);
    if (current?.member === member) current.abandon();
  }

  /** Takes a member out of its group; the group stops with its last member unless groups are kept. */
  #remove(group: Group, member: Member): void {
    const at = group.members.indexOf(member);
    if (at >= 0) group.members.splice(at, 1);
    if (group.members.length === 0 && !this.#keepGroups) {
      stop(group);
      if (this.#groups.get(group.name) === group) this.#groups.delete(group.name);
    }
  }

  /** Starts the runners (when some are running) and schedules a drain (with autoDrain) for newly runnable events. */
  #kick(): void {
    if (this.#runners.size > 0) this.#startRunners();
    if (this.#autoDrain && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        void this.#drainAll();
      });
    }
  }

  async #drainAll(): Promise<void> {
    this.#startRunners();
    while (this.#runners.size > 0) {
      await Promise.all(this.#runners);
      this.#startRunners();
    }
  }

  #startRunners(): void {
    for (const group of this.#groups.values()) {
      if (group.running || group.head >= group.queue.length || group.members.length === 0) continue;
      group.running = true;
      const runner: Promise<void> = this.#run(group).finally(() => {
        group.running = false;
        this.#runners.delete(runner);
      });
      this.#runners.add(runner);
    }
  }

  /** Handles the group's events in order until its queue is empty or it stops. Never rejects. */
  async #run(group: Group): Promise<void> {
    await null; // handlers never run inside the call that started the runner (publish or drain)
    while (!group.stopped && group.head < group.queue.length) {
      const event = group.queue[group.head]!;
      for (let attempts = 1; ; ) {
        const member = group.members[group.turn++ % group.members.length];
        if (member === undefined || group.stopped) return;
        let abandon = () => {};
        const done = new Promise<Failure | typeof ABORTED>((resolve) => {
          abandon = () => resolve(ABORTED);
          attempt(member.handler, event).then(resolve);
        });
        group.current = { member, done, abandon };
        const failure = await done;
        group.current = undefined;
        if (failure === ABORTED) continue;
        if (failure === undefined) break;
        if (attempts >= this.#maxAttempts) {
          this.#deadLetters.push({ group: group.name, event, attempts, error: messageOf(failure.error) });
          break;
        }
        await this.#pause(group, attempts);
        if (group.stopped) return;
        attempts++;
      }
      if (group.stopped) return;
      group.head++;
      if (group.head >= 1024 && group.head * 2 >= group.queue.length) {
        group.queue.splice(0, group.head);
        group.head = 0;
      }
    }
  }

  /** Waits as the retry policy says after failed attempt `attempts`, or until the group stops. */
  async #pause(group: Group, attempts: number): Promise<void> {
    try {
      const ms = this.#retry(attempts, this.#random);
      if (!(ms > 0) || group.stopped) return;
      await new Promise<void>((resolve, reject) => {
        group.wake = resolve;
        this.#sleep(ms).then(resolve, reject);
      });
    } catch (error) {
      // The event is retried at once rather than lost; drain() reports the failure.
      this.#failure ??= { error };
    } finally {
      group.wake = undefined;
    }
  }

  /** The default sleep: a timer that `close()` clears. */
  #timer(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }
}

/** Runs the handler once; resolves (never rejects) with the failure, if any. */
async function attempt(handler: EventHandler, event: FeedEvent): Promise<Failure> {
  try {
    await handler(event);
    return undefined;
  } catch (error) {
    return { error };
  }
}

/** Stops a group: no further attempts, its retry wait ends and its queue is released. */
function stop(group: Group): void {
  group.stopped = true;
  group.queue.length = 0;
  group.head = 0;
  group.wake?.();
}

/** The message of whatever a handler threw. */
function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return "(a value that cannot be shown)";
  }
}

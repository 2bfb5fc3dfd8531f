import type { FeedEvent } from "../domain/events.js";

/** Handles one event. Throwing makes the bus retry it; it must be idempotent (delivery is at-least-once). */
export type EventHandler = (event: FeedEvent) => Promise<void>;

/** A running subscription. */
export interface Subscription {
  /** Stops delivering; an event being handled is finished first. Idempotent. */
  close(): Promise<void>;
  /**
   * Stops delivering at once, as if the consumer had died: the event being handled is neither awaited nor
   * acknowledged, so the group gets it (and whatever else this member had not acknowledged) again. For a worker that
   * must stop before a deadline, and for tests of redelivery. Optional; after it, `close()` does nothing more.
   */
  abort?(): Promise<void>;
}

/** An event that failed every attempt. */
export interface DeadLetter {
  group: string;
  event: FeedEvent;
  attempts: number;
  error: string;
}

/**
 * Moves events from the write path to workers. At-least-once; events with one key (see `keyOf`) arrive in order
 * within a group; every consumer group receives every event.
 */
export interface EventBus {
  /** Publishes events; resolves once the bus has accepted them durably. */
  publish(events: readonly FeedEvent[]): Promise<void>;
  /** Delivers every event published from now on to `handler`, as consumer group `group`. */
  subscribe(group: string, handler: EventHandler): Promise<Subscription>;
  /**
   * Waits until everything published so far has been handled, for tests, demos and benchmarks. An in-process bus runs
   * its handlers itself; a bus whose workers run elsewhere waits for them (e.g. for its consumer groups to commit).
   */
  drain?(): Promise<void>;
  /** Stops every subscription and releases resources. Idempotent. */
  close(): Promise<void>;
}

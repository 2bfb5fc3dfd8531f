import type { DeadLetter, EventHandler, FeedEvent, RetryPolicy, Subscription } from "@feed-engine/core";
import type { Consumer, EachBatchPayload, KafkaMessage, Message } from "kafkajs";
import { deadLetterMessage } from "./dead-letter.js";
import { decodeEvent } from "./event-codec.js";
import { messageOf, toFeedError } from "./kafka-errors.js";

/** What a subscription needs from its bus. */
export interface SubscriptionDeps {
  /** The consumer group as the caller named it (without the prefix). */
  group: string;
  consumer: Consumer;
  handler: EventHandler;
  maxAttempts: number;
  retry: RetryPolicy;
  random: () => number;
  /** How often to heartbeat while a batch is being handled (the consumer's `heartbeatInterval`). */
  heartbeatMs: number;
  /** Publishes a dead-letter message (resolves once Kafka acknowledged it). */
  sendDeadLetter: (message: Message) => Promise<void>;
  /** Records a dead letter for `KafkaEventBus.deadLetters`. */
  onDeadLetter: (letter: DeadLetter) => void;
  /** Called after this member committed `offset` (the next offset to read) on `topic[partition]`. */
  onCommit: (topic: string, partition: number, offset: number) => void;
  /** Called once the subscription has stopped (closed or aborted). */
  onStop: (subscription: KafkaSubscription) => void;
}

/** What an attempt settles with when the subscription was aborted meanwhile. */
const ABORTED = Symbol("aborted");
/** Outcome of one attempt: `undefined` when the handler succeeded. */
type Outcome = { error: unknown } | undefined | typeof ABORTED;

/**
 * One member of a consumer group: a KafkaJS consumer whose batches are handled one event at a time, in partition
 * order. An event that throws is retried in place after the retry policy's wait (heartbeating meanwhile) and, after
 * `maxAttempts`, written to the dead-letter topic. Offsets are committed after each batch, only for events that were
 * handled or dead-lettered, so delivery is at-least-once.
 */
export class KafkaSubscription implements Subscription {
  readonly group: string;
  readonly #deps: SubscriptionDeps;
  #stopping = false;
  #aborted = false;
  /** End the attempts in progress with {@link ABORTED} (one per partition being handled). */
  readonly #abandon = new Set<() => void>();
  /** End the retry waits in progress. */
  readonly #wake = new Set<() => void>();
  #closing: Promise<void> | undefined;
  /** Why the consumer stopped for good, when it crashed and KafkaJS gave up restarting it. */
  failure: unknown;

  constructor(deps: SubscriptionDeps) {
    this.group = deps.group;
    this.#deps = deps;
  }

  /** The `eachBatch` callback for `consumer.run`. */
  readonly eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch, resolveOffset, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    // The last offset handled (or dead-lettered) and not yet committed. It is resolved (which is where KafkaJS fetches
    // from next) only when the batch ends: resolving each message would cost more than handling it.
    let handled: string | undefined;
    let lastBeat = Date.now();
    const commit = async () => {
      if (handled === undefined || this.#aborted) return;
      resolveOffset(handled);
      const offset = Number(handled) + 1;
      handled = undefined;
      await commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(offset) }] }],
      });
      this.#deps.onCommit(batch.topic, batch.partition, offset);
    };
    const heartbeat = async () => {
      lastBeat = Date.now();
      try {
        await payload.heartbeat();
      } catch (error) {
        // A rebalance: keep what was handled, then let KafkaJS rejoin; the rest goes to the partition's next owner.
        await commit().catch(() => {});
        throw error;
      }
    };
    // A seek (which this bus never asks for) would make the batch stale; checked once, as it costs a lookup.
    if (isStale()) return;
    for (const message of batch.messages) {
      if (this.#stopping || !isRunning()) break;
      if (!(await this.#handle(batch.topic, batch.partition, message, heartbeat))) break;
      handled = message.offset;
      if (Date.now() - lastBeat >= this.#deps.heartbeatMs) await heartbeat();
    }
    await commit();
  };

  /** Stops after the event being handled (committing what was handled) and leaves the group. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#stop(false);
    return this.#closing;
  }

  /** Stops at once without committing the event being handled; the group gets it again. */
  abort(): Promise<void> {
    this.#closing ??= this.#stop(true);
    return this.#closing;
  }

  async #stop(abort: boolean): Promise<void> {
    this.#stopping = true;
    if (abort) {
      this.#aborted = true;
      for (const abandon of this.#abandon) abandon();
    }
    for (const wake of this.#wake) wake();
    try {
      await this.#deps.consumer.disconnect();
    } catch (error) {
      throw toFeedError(error, `closing the subscription of group "${this.group}"`);
    } finally {
      this.#deps.onStop(this);
    }
  }

  /** Handles one message: true when it was handled or dead-lettered, false to stop (and get it again later). */
  async #handle(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    let event: FeedEvent;
    try {
      event = decodeEvent(message.value);
    } catch (error) {
      return this.#deadLetter({ topic, partition, message, attempts: 0, error: messageOf(error) });
    }
    const { maxAttempts, retry, random } = this.#deps;
    for (let attempts = 1; ; attempts++) {
      const outcome = await this.#attempt(event);
      if (outcome === ABORTED) return false;
      if (outcome === undefined) return true;
      if (attempts >= maxAttempts) {
        return this.#deadLetter({ topic, partition, message, attempts, error: messageOf(outcome.error), event });
      }
      if (!(await this.#pause(waitAfter(retry, attempts, random), heartbeat))) return false;
    }
  }

  /** Runs the handler once; settles (never rejects) with the outcome, or {@link ABORTED} when aborted meanwhile. */
  #attempt(event: FeedEvent): Promise<Outcome> {
    if (this.#aborted) return Promise.resolve(ABORTED);
    return new Promise<Outcome>((resolve) => {
      const settle = (outcome: Outcome) => {
        this.#abandon.delete(abandon);
        resolve(outcome);
      };
      const abandon = () => settle(ABORTED);
      this.#abandon.add(abandon);
      try {
        // Promise.resolve: a plain function that returns nothing (not a promise) is a success, not a TypeError.
        Promise.resolve(this.#deps.handler(event)).then(
          () => settle(undefined),
          (error: unknown) => settle({ error }),
        );
      } catch (error) {
        settle({ error });
      }
    });
  }

  /** Waits `ms` before a retry, heartbeating meanwhile; false when the subscription is stopping. */
  async #pause(ms: number, heartbeat: () => Promise<void>): Promise<boolean> {
    const until = Date.now() + ms;
    for (;;) {
      if (this.#stopping) return false;
      const left = until - Date.now();
      if (left <= 0) return true;
      let wake = () => {};
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, this.#deps.heartbeatMs));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        this.#wake.add(wake);
      });
      this.#wake.delete(wake);
      if (!this.#stopping) await heartbeat();
    }
  }

  async #deadLetter(failed: {
    topic: string;
    partition: number;
    message: KafkaMessage;
    attempts: number;
    error: string;
    event?: FeedEvent;
  }): Promise<boolean> {
    const { group, sendDeadLetter, onDeadLetter } = this.#deps;
    try {
      await sendDeadLetter(deadLetterMessage({ group, ...failed }, Date.now()));
    } catch {
      // Not written: stop here, so the event is fetched again and retried rather than lost.
      return false;
    }
    if (failed.event !== undefined) {
      onDeadLetter({ group, event: failed.event, attempts: failed.attempts, error: failed.error });
    }
    return true;
  }
}

/** What the retry policy says to wait, in ms; a policy that throws or answers no finite number >= 0 means no wait. */
function waitAfter(retry: RetryPolicy, attempts: number, random: () => number): number {
  try {
    const ms = retry(attempts, random);
    return Number.isFinite(ms) && ms > 0 ? ms : 0;
  } catch {
    // Retrying at once beats losing the consumer (a throw here would stop it): the event is not lost either way.
    return 0;
  }
}

import { type Counter, type Gauge, type Histogram, MetricsRegistry } from "./metrics-registry.js";

/**
 * The metrics a worker exposes on `/metrics` (docs/operations.md, "Metrics", says what each means and what to alert
 * on). Series carry a `group` label (the consumer group) so the workers of one deployment can share a dashboard.
 */
export interface WorkerMetrics {
  readonly registry: MetricsRegistry;
  /** Timelines written by fan-out (one per follower a post was pushed to). */
  readonly deliveries: Counter;
  /** Posts fanned out, by mode (`push`, `pull`, `skipped`). */
  readonly fanoutPosts: Counter;
  /** Events a handler finished, by `group` and event `type`. */
  readonly handled: Counter;
  /** Events sent to the dead-letter topic after every attempt failed, by `group`. */
  readonly deadLettered: Counter;
  /** Handler attempts that threw (each is retried, until the last one dead-letters the event), by `group`. */
  readonly handlerErrors: Counter;
  /** Seconds a handler took per event (successful or not), by `group`. */
  readonly handleSeconds: Histogram;
  /** Events published and not yet committed by the group, per partition. */
  readonly lag: Gauge;
  /** Lag polls that failed. */
  readonly lagPollErrors: Counter;
  /** 1 while the worker is subscribed (a member of its group), else 0. */
  readonly subscribed: Gauge;
}

/** Creates the worker's metrics, with the `group`'s series of the counters at 0 so rates exist from the start. */
export function workerMetrics(group: string): WorkerMetrics {
  const registry = new MetricsRegistry();
  const metrics: WorkerMetrics = {
    registry,
    deliveries: registry.counter(
      "feed_engine_fanout_deliveries_total",
      "Timeline entries written by fan-out (one per follower timeline a post was pushed to).",
    ),
    fanoutPosts: registry.counter("feed_engine_fanout_posts_total", "Posts fanned out, by mode (push, pull, skipped)."),
    handled: registry.counter(
      "feed_engine_events_handled_total",
      "Events whose handler finished successfully, by consumer group and event type.",
    ),
    deadLettered: registry.counter(
      "feed_engine_events_dead_lettered_total",
      "Events written to the dead-letter topic after their last attempt failed.",
    ),
    handlerErrors: registry.counter(
      "feed_engine_handler_errors_total",
      "Handler attempts that threw; each is retried with backoff until the last attempt dead-letters the event.",
    ),
    handleSeconds: registry.histogram(
      "feed_engine_batch_duration_seconds",
      "Seconds the handler took per event (successful or failed attempts alike).",
    ),
    lag: registry.gauge(
      "feed_engine_consumer_lag",
      "Events published to a partition and not yet committed by the consumer group (from the last lag poll).",
    ),
    lagPollErrors: registry.counter("feed_engine_lag_poll_errors_total", "Consumer lag polls that failed."),
    subscribed: registry.gauge(
      "feed_engine_worker_subscribed",
      "1 while the worker is a member of its consumer group.",
    ),
  };
  metrics.deliveries.inc({}, 0);
  metrics.deadLettered.inc({ group }, 0);
  metrics.handlerErrors.inc({ group }, 0);
  metrics.lagPollErrors.inc({ group }, 0);
  metrics.subscribed.set({ group }, 0);
  return metrics;
}

import type { EventHandler } from "@feed-engine/core";
import type { WorkerMetrics } from "../metrics/worker-metrics.js";
import type { Logger } from "./logger.js";

/** Failed attempts remembered per event id, for the `attempt` field of log lines; bounded. */
const ATTEMPTS_KEPT = 10_000;

/**
 * Wraps a handler so each event is timed (`feed_engine_batch_duration_seconds`), counted when it succeeds
 * (`feed_engine_events_handled_total`) or throws (`feed_engine_handler_errors_total`, and a warning line with the
 * attempt number), then rethrows, so the bus still retries and dead-letters as before.
 */
export function instrumentHandler(
  handler: EventHandler,
  group: string,
  metrics: WorkerMetrics,
  log: Logger,
  now: () => number = () => performance.now(),
): EventHandler {
  const failures = new Map<string, number>();
  return async (event) => {
    const started = now();
    try {
      await handler(event);
    } catch (error) {
      metrics.handleSeconds.observe({ group }, (now() - started) / 1000);
      metrics.handlerErrors.inc({ group });
      const attempt = (failures.get(event.id) ?? 0) + 1;
      if (failures.size >= ATTEMPTS_KEPT) failures.clear();
      failures.set(event.id, attempt);
      log.warn("handler failed; the bus retries it", {
        event: event.type,
        eventId: event.id,
        attempt,
        error: error instanceof Error ? error.message : String(error),
        ...(log.enabled("debug") && error instanceof Error ? { stack: error.stack } : {}),
      });
      throw error;
    }
    const seconds = (now() - started) / 1000;
    metrics.handleSeconds.observe({ group }, seconds);
    metrics.handled.inc({ group, type: event.type });
    failures.delete(event.id);
    if (log.enabled("debug")) log.debug("handled", { event: event.type, eventId: event.id, ms: seconds * 1000 });
  };
}

import type { DeadLetter, EventBus, Subscription } from "@feed-engine/core";
import type { KafkaAwareConfig, KafkaSettings } from "../backends/kafka-backend.js";
import { type OpenedFeed, openFeed } from "../backends/open-feed.js";
import type { FeedConfig } from "../config/feed-config.js";
import { CliError } from "../errors/cli-error.js";
import { type MetricsServer, startMetricsServer } from "../metrics/metrics-server.js";
import { type WorkerMetrics, workerMetrics } from "../metrics/worker-metrics.js";
import { DeadLetterWatch } from "./dead-letter-watch.js";
import { instrumentHandler } from "./instrument-handler.js";
import { hasLag, LagPoller } from "./lag-poller.js";
import type { Logger } from "./logger.js";
import { type Phase, workerHealth } from "./worker-health.js";
import { WORKERS, type WorkerKind } from "./worker-kinds.js";

/** Options of {@link runWorker}. */
export interface RunWorkerOptions {
  kind: WorkerKind;
  config: FeedConfig;
  /** Consumer concurrency and session timeout (used when the bus is Kafka). */
  kafka: Omit<KafkaSettings, "log">;
  /** Followers per fan-out step. */
  batchSize: number;
  /** Where `/metrics` and `/healthz` listen; `from` names the option, for errors. */
  metrics: { port: number; host: string; from: string };
  /** How often the consumer lag is polled. */
  lagIntervalMs: number;
  /** How long a graceful stop may take before the subscription is aborted (and the worker exits 1). */
  stopTimeoutMs: number;
  log: Logger;
  /** Resolves with a reason (`SIGTERM`) when the worker should stop. */
  stop: Promise<string>;
}

/** What a worker did, once it stopped. */
export interface WorkerSummary {
  worker: WorkerKind;
  group: string;
  /** Events handled successfully. */
  handled: number;
  /** Handler attempts that threw. */
  handlerErrors: number;
  deadLettered: number;
  /** Timeline entries written (fan-out). */
  deliveries: number;
  uptimeSeconds: number;
}

/**
 * Runs one worker until `stop` resolves or its consumer fails for good: opens the configured backends, subscribes
 * core's handler for `kind` in the engine's consumer group (on Kafka, shared with every other worker of that group),
 * serves `/metrics` and `/healthz`, polls the group's lag, and logs. On stop it finishes the event in hand, commits,
 * leaves the group and closes every client. Throws (a {@link CliError}) only when something failed.
 */
export async function runWorker(options: RunWorkerOptions): Promise<WorkerSummary> {
  const { kind, log } = options;
  const { group } = WORKERS[kind];
  const metrics = workerMetrics(group);
  const startedAt = Date.now();
  let stopReason: string | undefined;
  let failure: string | undefined;
  let crash!: () => void;
  const crashed = new Promise<void>((resolve) => {
    crash = resolve;
  });
  const stopped = options.stop.then((reason) => {
    stopReason ??= reason;
  });

  const config: KafkaAwareConfig = {
    ...options.config,
    kafka: { ...options.kafka, log: (level, msg, fields) => log.log(level, msg, fields) },
  };
  // Backends first: a bad address or a missing schema fails here with one line, before anything is logged.
  const feed = await openFeed(config, { runWorkers: false });
  const bus = feed.engine.bus;
  const deadLetters = deadLetterWatch(bus);
  const noteDeadLetters = (): void => {
    for (const letter of deadLetters?.take() ?? []) {
      if (letter.group !== group) continue;
      metrics.deadLettered.inc({ group });
      log.error("event dead-lettered after its last attempt", {
        event: letter.event.type,
        eventId: letter.event.id,
        attempts: letter.attempts,
        error: letter.error,
      });
    }
  };
  const state: { phase: Phase; subscription?: Subscription; poller?: LagPoller } = { phase: "starting" };

  let server: MetricsServer;
  try {
    server = await startMetricsServer({
      ...options.metrics,
      metrics: () => {
        noteDeadLetters();
        return metrics.registry.render();
      },
      health: () =>
        workerHealth({
          phase: state.phase,
          subscribed: state.subscription !== undefined,
          lastLagPoll: state.poller === undefined ? "none" : state.poller.last,
          worker: kind,
          group,
          handled: metrics.handled.sum({ group }),
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        }),
    });
  } catch (error) {
    await feed.close().catch(() => undefined);
    throw error;
  }
  const shownHost =
    options.metrics.host === "0.0.0.0" || options.metrics.host === "::" ? "127.0.0.1" : options.metrics.host;
  log.info("metrics listening", { port: server.port, url: `http://${shownHost}:${server.port}/metrics` });
  if (feed.inProcessBus) {
    log.warn(
      "the memory: bus lives inside this process: no other process can publish to it, so this worker only sees " +
        "events published by this process; use --bus kafka://host:9092 to work for other processes",
    );
  }

  try {
    const handler = instrumentHandler(
      WORKERS[kind].handler({
        engine: feed.engine,
        batchSize: options.batchSize,
        onFanout: (report) => {
          metrics.deliveries.inc({}, report.deliveries);
          metrics.fanoutPosts.inc({ group, mode: report.mode });
        },
      }),
      group,
      metrics,
      log,
    );
    if (stopReason === undefined) {
      state.subscription = await bus.subscribe(group, async (event) => {
        try {
          await handler(event);
        } finally {
          noteDeadLetters();
        }
      });
      state.phase = "running";
      metrics.subscribed.set({ group }, 1);
      log.info("subscribed", { worker: kind, group, bus: feed.backends.bus, source: feed.backends.source });
      if (hasLag(bus)) {
        state.poller = new LagPoller(bus, group, options.lagIntervalMs, (poll, lags) => {
          if (poll.ok) {
            metrics.lag.replace(
              lags.map((l) => ({ labels: { group, topic: l.topic, partition: String(l.partition) }, value: l.lag })),
            );
          } else {
            metrics.lagPollErrors.inc({ group });
            log.warn("lag poll failed", { error: poll.error });
          }
          noteDeadLetters();
          const dead = (state.subscription as { failure?: unknown } | undefined)?.failure;
          if (dead !== undefined && failure === undefined) {
            failure = `the consumer stopped for good: ${dead instanceof Error ? dead.message : String(dead)}`;
            crash();
          }
        });
        state.poller.start();
      }
    }
    await Promise.race([stopped, crashed]);
  } catch (error) {
    failure ??= error instanceof Error ? error.message : String(error);
  }
  return shutdown({ feed, server, state, metrics, options, group, startedAt, failure, stopReason, noteDeadLetters });
}

/** Graceful stop: finish the event in hand, commit, leave the group, then close every client and the server. */
async function shutdown(s: {
  feed: OpenedFeed;
  server: MetricsServer;
  state: { phase: Phase; subscription?: Subscription; poller?: LagPoller };
  metrics: WorkerMetrics;
  options: RunWorkerOptions;
  group: string;
  startedAt: number;
  failure: string | undefined;
  stopReason: string | undefined;
  noteDeadLetters: () => void;
}): Promise<WorkerSummary> {
  const { log, kind, stopTimeoutMs } = s.options;
  const { state, metrics, group } = s;
  state.phase = "stopping";
  log.info("stopping", { reason: s.stopReason ?? "failure", ...(s.failure === undefined ? {} : { error: s.failure }) });
  const problems: string[] = s.failure === undefined ? [] : [s.failure];
  if (state.subscription !== undefined) {
    const closed = await withTimeout(state.subscription.close(), stopTimeoutMs);
    if (closed === "timeout") {
      problems.push(`the event in hand did not finish within ${stopTimeoutMs} ms; aborted without committing it`);
      await state.subscription.abort?.().catch(() => undefined);
    } else if (closed !== "ok") {
      problems.push(`leaving the group failed: ${closed.message}`);
    }
  }
  metrics.subscribed.set({ group }, 0);
  await state.poller?.stop();
  s.noteDeadLetters();
  await s.feed.close().catch((error: unknown) => {
    problems.push(`closing the backends failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  await s.server.close();
  const summary: WorkerSummary = {
    worker: kind,
    group,
    handled: metrics.handled.sum({ group }),
    handlerErrors: metrics.handlerErrors.get({ group }),
    deadLettered: metrics.deadLettered.get({ group }),
    deliveries: metrics.deliveries.get(),
    uptimeSeconds: Math.round((Date.now() - s.startedAt) / 1000),
  };
  if (problems.length > 0) {
    log.error("stopped with errors", { ...summary, errors: problems });
    throw new CliError(`worker ${kind} stopped with errors: ${problems.join("; ")}`);
  }
  log.info("stopped", { ...summary });
  return summary;
}

/** A watch on the bus's dead letters, when it records them. */
function deadLetterWatch(bus: EventBus): DeadLetterWatch | undefined {
  const withLetters = bus as EventBus & { deadLetters?: readonly DeadLetter[] };
  if (withLetters.deadLetters === undefined) return undefined;
  return new DeadLetterWatch(() => withLetters.deadLetters ?? []);
}

/** Settles with "ok", the error, or "timeout" after `ms`. */
async function withTimeout(promise: Promise<void>, ms: number): Promise<"ok" | "timeout" | Error> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => "ok" as const,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

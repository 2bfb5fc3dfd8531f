import {
  createFeedEngine,
  type FanoutPolicy,
  type FanoutReport,
  type FeedEngine,
  type FeedStores,
  hybrid,
  pullAll,
  pushAll,
} from "@feed-engine/core";
import type { BackendUrl } from "../config/backend-url.js";
import type { FeedConfig, Setting } from "../config/feed-config.js";
import { CliError } from "../errors/cli-error.js";
import type { BackendRole, OpenedBackend, UserIdLister } from "./backend-driver.js";
import { driverFor } from "./backend-registry.js";

/** Options for {@link openFeed}. */
export interface OpenFeedOptions {
  /**
   * Run the fan-out and notification handlers in this process when the bus is in-process (`memory:`). Default true;
   * with a bus whose workers run elsewhere (Kafka) they never run here.
   */
  runWorkers?: boolean;
  /** Called after each post's fan-out in this process. */
  onFanout?: (report: FanoutReport) => void;
}

/** An engine on the configured backends, and what a command may need besides it. */
export interface OpenedFeed {
  engine: FeedEngine;
  stores: FeedStores;
  policy: FanoutPolicy;
  /** Lists every user of the source of truth, when it can. */
  userIds: UserIdLister | undefined;
  /** True when fan-out runs in this process (memory bus): `drain()` finishes it before the command exits. */
  inProcessBus: boolean;
  /** The URLs in use, passwords left out: for reports. */
  backends: { source: string; timelines: string; bus: string };
  /** Closes the engine, then every client opened for it, even when one step fails. Idempotent. */
  close(): Promise<void>;
}

/** The policy the configuration names. */
export function policyOf(config: FeedConfig): FanoutPolicy {
  switch (config.policy.value) {
    case "push-all":
      return pushAll();
    case "pull-all":
      return pullAll();
    default:
      return hybrid({
        celebrityThreshold: config.celebrityThreshold.value,
        inactiveAfterDays: config.inactiveAfterDays.value,
      });
  }
}

/** The source of truth, or the one-line error saying how to configure it. */
export function requireSource(config: FeedConfig): Setting<BackendUrl> {
  if (config.source !== undefined) return config.source;
  throw new CliError(
    "no source of truth configured: pass --source postgres://user@host:5432/db (or memory: for a store that lives " +
      "only as long as this command), set FEED_ENGINE_SOURCE, or name a --config file that sets source",
  );
}

function requireTimelines(config: FeedConfig, source: Setting<BackendUrl>): Setting<BackendUrl> {
  if (config.timelines !== undefined) return config.timelines;
  if (source.value.scheme === "memory") return { value: source.value, from: "default (memory: like --source)" };
  throw new CliError(
    `no timeline store configured for the ${source.value.scheme} source: pass --timelines redis://host:6379 ` +
      "(or redis-cluster://host:7000,host:7001, or none: to read every timeline from the source of truth), " +
      "or set FEED_ENGINE_TIMELINES",
  );
}

/**
 * Opens the configured backends (source of truth, timelines, bus), checking each server answers and the source is
 * migrated, and builds a {@link FeedEngine} on them with the configured policy. If anything fails, what was already
 * opened is closed before the error (one line, naming the server, its address and what to try) is thrown.
 *
 * The one place commands (and, later, workers) get an engine from.
 */
export async function openFeed(config: FeedConfig, options: OpenFeedOptions = {}): Promise<OpenedFeed> {
  const source = requireSource(config);
  const timelines = requireTimelines(config, source);
  const opened: OpenedBackend[] = [];
  const closeAll = async (): Promise<unknown[]> => {
    const errors: unknown[] = [];
    for (const backend of opened.reverse()) await backend.close().catch((error) => errors.push(error));
    return errors;
  };
  const open = async (role: BackendRole, setting: Setting<BackendUrl>): Promise<OpenedBackend> => {
    const backend = await driverFor(setting.value.scheme, role).open(setting.value, { config, setting });
    opened.push(backend);
    return backend;
  };

  let engine: FeedEngine;
  let sourceBackend: OpenedBackend;
  let inProcessBus: boolean;
  try {
    sourceBackend = await open("source", source);
    const timelineBackend = await open("timelines", timelines);
    const busBackend = await open("bus", config.bus);
    inProcessBus = config.bus.value.scheme === "memory";
    engine = createFeedEngine({
      stores: { ...sourceBackend.stores, ...timelineBackend.stores },
      ...(busBackend.bus === undefined ? {} : { bus: busBackend.bus }),
      policy: policyOf(config),
      timelineCap: config.timelineCap.value,
      runWorkers: inProcessBus && (options.runWorkers ?? true),
      ...(options.onFanout === undefined ? {} : { onFanout: options.onFanout }),
    });
  } catch (error) {
    await closeAll();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    engine,
    stores: engine.stores,
    policy: engine.policy,
    userIds: sourceBackend.userIds,
    inProcessBus,
    backends: { source: source.value.shown, timelines: timelines.value.shown, bus: config.bus.value.shown },
    close() {
      closing ??= (async () => {
        const errors: unknown[] = [];
        await engine.close().catch((error) => errors.push(error));
        errors.push(...(await closeAll()));
        if (errors.length > 0) throw new AggregateError(errors, "feed-engine: errors while closing the backends");
      })();
      return closing;
    },
  };
}

/** Runs `work` on an opened feed and always closes it, keeping `work`'s error when both fail. */
export async function withFeed<T>(
  config: FeedConfig,
  options: OpenFeedOptions,
  work: (feed: OpenedFeed) => Promise<T>,
): Promise<T> {
  const feed = await openFeed(config, options);
  let result: T;
  try {
    result = await work(feed);
  } catch (error) {
    await feed.close().catch(() => undefined);
    throw error;
  }
  await feed.close();
  return result;
}

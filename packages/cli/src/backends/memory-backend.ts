import {
  MemoryActivityStore,
  MemoryEventBus,
  MemoryGraphStore,
  MemoryNotificationStore,
  MemoryPostStore,
  MemoryTimelineStore,
  MemoryUserStore,
  PullOnlyTimelineStore,
} from "@feed-engine/core";
import type { BackendDriver } from "./backend-driver.js";

const nothingToClose = async (): Promise<void> => undefined;

/** `memory:` as the source of truth: everything lives in this process and is gone when it exits. */
export const memorySourceBackend: BackendDriver = {
  async open() {
    return {
      stores: {
        users: new MemoryUserStore(),
        posts: new MemoryPostStore(),
        graph: new MemoryGraphStore(),
        notifications: new MemoryNotificationStore(),
      },
      close: nothingToClose,
    };
  },
  async migrate() {
    return { target: "memory: (nothing to migrate)", applied: [] };
  },
};

/** `memory:` timelines and last-seen times, in this process. */
export const memoryTimelinesBackend: BackendDriver = {
  async open(_url, context) {
    return {
      stores: {
        timelines: new MemoryTimelineStore({ cap: context.config.timelineCap.value }),
        activity: new MemoryActivityStore(),
      },
      close: nothingToClose,
    };
  },
};

/**
 * `none:` timelines: nothing is materialized and every home timeline is read from the source of truth (the
 * "PostgreSQL alone" shape for small sites; pair it with `--policy pull-all`). Last-seen times stay in memory.
 */
export const pullOnlyTimelinesBackend: BackendDriver = {
  async open() {
    return {
      stores: { timelines: new PullOnlyTimelineStore(), activity: new MemoryActivityStore() },
      close: nothingToClose,
    };
  },
};

/** `memory:` bus: events are handled in this process right after each call (the CLI drains before it exits). */
export const memoryBusBackend: BackendDriver = {
  async open() {
    const bus = new MemoryEventBus();
    return { bus, close: () => bus.close() };
  },
};

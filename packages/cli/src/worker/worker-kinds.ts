import {
  type EventHandler,
  FANOUT_GROUP,
  type FanoutReport,
  type FeedEngine,
  NOTIFICATIONS_GROUP,
  notificationWriter,
  timelineFanout,
} from "@feed-engine/core";

/** The workers `feed-engine worker` runs. */
export type WorkerKind = "fanout" | "notifications";

/** What a worker's handler is built from. */
export interface HandlerContext {
  engine: FeedEngine;
  /** Followers read and pushed to per step of one post's fan-out. */
  batchSize: number;
  /** Called after each post's fan-out. */
  onFanout: (report: FanoutReport) => void;
}

/** One kind of worker: the engine's consumer group it joins and the core handler it runs. */
export interface WorkerSpec {
  group: string;
  /** One line for `--help`. */
  describe: string;
  handler(context: HandlerContext): EventHandler;
}

/** Posts a follow backfills into the follower's timeline; the engine's default, which API processes never use. */
const BACKFILL_LIMIT = 100;

/**
 * The two workers of the engine's write path, each core's own handler in core's own consumer group, so a worker
 * process and `createFeedEngine({ runWorkers: true })` in an app share the work of one group.
 */
export const WORKERS: Readonly<Record<WorkerKind, WorkerSpec>> = {
  fanout: {
    group: FANOUT_GROUP,
    describe:
      "the fan-out worker: pushes posts into followers' timelines, backfills follows, cleans up after unfollows and blocks",
    handler: ({ engine, batchSize, onFanout }) =>
      timelineFanout({
        ...engine.stores,
        policy: engine.policy,
        clock: engine.clock,
        batchSize,
        backfillLimit: BACKFILL_LIMIT,
        onFanout,
      }),
  },
  notifications: {
    group: NOTIFICATIONS_GROUP,
    describe: "the notification worker: writes likes, reposts, replies, mentions and follows (and takes them back)",
    handler: ({ engine }) => notificationWriter(engine.stores),
  },
};

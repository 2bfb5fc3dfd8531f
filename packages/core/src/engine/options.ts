import type { Clock } from "../clock/clock.js";
import type { FanoutPolicy } from "../fanout/fanout-policy.js";
import type { FanoutReport } from "../fanout/fanout-report.js";
import type { ActivityStore } from "../ports/activity-store.js";
import type { EventBus } from "../ports/event-bus.js";
import type { GraphStore } from "../ports/graph-store.js";
import type { HomeContextStore } from "../ports/home-context-store.js";
import type { NotificationStore } from "../ports/notification-store.js";
import type { PostStore } from "../ports/post-store.js";
import type { TimelineStore } from "../ports/timeline-store.js";
import type { UserStore } from "../ports/user-store.js";

/** The storage the engine runs on. Any store left out is the in-memory one. */
export interface FeedStores {
  users: UserStore;
  posts: PostStore;
  graph: GraphStore;
  timelines: TimelineStore;
  notifications: NotificationStore;
  activity: ActivityStore;
  /**
   * Optional: a home read's context (followees, pulled authors, blocks, recent posts) in one round trip, over the same
   * data as `users`, `graph` and `posts`. Left out, reads ask those stores separately.
   */
  homeContext?: HomeContextStore;
}

/** Options for `createFeedEngine`. Every one has a default; `createFeedEngine()` is a working in-memory engine. */
export interface FeedEngineOptions {
  /** Stores; each one left out is in-memory. */
  stores?: Partial<FeedStores>;
  /** The event bus; default an in-memory bus that runs handlers right after each call returns. */
  bus?: EventBus;
  /** Push/pull policy; default `hybrid()` (10,000-follower threshold, 30-day inactivity). */
  policy?: FanoutPolicy;
  /** Time source; default the wall clock. */
  clock?: Clock;
  /** Snowflake worker id, 0-1023, unique per process that creates ids. Default 0. */
  workerId?: number;
  /** Cap of the default in-memory timeline store. Default 800. */
  timelineCap?: number;
  /** How many of a new followee's latest posts a follow copies into the follower's timeline. Default 100. */
  backfillLimit?: number;
  /** Followers per fan-out batch (one store call each). Default 1,000. */
  fanoutBatchSize?: number;
  /**
   * How stale a reader's stored last-seen time may get before a home read writes it again, in ms. Default 60,000:
   * inactivity is measured in days, and most reads then skip a write. 0 writes on every read.
   */
  lastSeenResolutionMs?: number;
  /** Width of a notification group's time window in ms. Default 12 hours. */
  notificationWindowMs?: number;
  /**
   * Run the fan-out and notification handlers in this process. Default true (the embedded setup); set false in API
   * servers whose workers run elsewhere (e.g. `feed-engine worker fanout`).
   */
  runWorkers?: boolean;
  /** Called after each post's fan-out (in the process that runs the workers); for metrics and demos. */
  onFanout?: (report: FanoutReport) => void;
}

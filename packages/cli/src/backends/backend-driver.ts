import type { EventBus, FeedStores, UserId } from "@feed-engine/core";
import type { BackendUrl } from "../config/backend-url.js";
import type { FeedConfig, Setting } from "../config/feed-config.js";

/** The three things a deployment configures by URL. */
export type BackendRole = "source" | "timelines" | "bus";

/**
 * Every user id in the source of truth, ascending, a keyset page at a time. A seam until the `UserStore` port can list
 * users itself (see the CLI's report): `rebuild --all` and `verify --sample` walk it.
 */
export interface UserIdLister {
  /** Up to `limit` user ids greater than `after`, ascending. */
  page(after: UserId | undefined, limit: number): Promise<UserId[]>;
  /** How many users there are with an id greater than `after` (all without it), for progress totals. */
  count(after?: UserId): Promise<number>;
}

/** What opening one backend gave: stores (or a bus) for the engine, and how to close what was opened. */
export interface OpenedBackend {
  stores?: Partial<FeedStores>;
  bus?: EventBus;
  /** Source of truth only: lists users, when the backend can. */
  userIds?: UserIdLister;
  /** Closes every client this backend opened. Idempotent. */
  close(): Promise<void>;
}

/** What a driver is told when it opens a backend. */
export interface OpenContext {
  /** The whole configuration (schema, key prefix, timeline cap, ...). */
  config: FeedConfig;
  /** The URL and where it came from (`--source`, `FEED_ENGINE_SOURCE`, ...), for messages. */
  setting: Setting<BackendUrl>;
}

/** What `migrate` did on one backend. */
export interface MigrateOutcome {
  /** What was migrated: `schema feed_engine on postgres://...`. */
  target: string;
  /** Migrations applied by this run, as `NNN_name`. */
  applied: string[];
}

/**
 * Opens one kind of backend (a URL scheme) in one role. Adding a backend is adding a driver to the registry
 * (`backend-registry.ts`); nothing else in the CLI names a database.
 */
export interface BackendDriver {
  /** Checks the server is there (and, for a source of truth, migrated), then builds the stores. */
  open(url: BackendUrl, context: OpenContext): Promise<OpenedBackend>;
  /** Creates or updates the backend's schema, when it has one. Idempotent. */
  migrate?(url: BackendUrl, context: OpenContext): Promise<MigrateOutcome>;
}

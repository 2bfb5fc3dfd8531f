/** How a post reaches followers: written into their timelines now (push) or merged in when they read (pull). */
export type DeliveryMode = "push" | "pull";

/** What a policy knows about an author when it decides. */
export interface AuthorStats {
  followers: number;
}

/** Decides push or pull per post, and whether a follower is active enough to be pushed to. */
export interface FanoutPolicy {
  /** A short name for reports: `push-all`, `pull-all`, `hybrid`. */
  readonly name: string;
  /** How a new post by this author is delivered. */
  modeFor(author: AuthorStats): DeliveryMode;
  /** Whether {@link isInactive} can ever be true; when false, fan-out does not look up last-seen times. */
  readonly skipsInactive: boolean;
  /**
   * Whether a follower last seen at `lastSeenAt` (undefined: never) counts as inactive at `now`. Inactive followers
   * are not pushed to; their timeline is rebuilt from the source of truth on their next read.
   */
  isInactive(lastSeenAt: number | undefined, now: number): boolean;
}

const DAY_MS = 86_400_000;

/** Every post is pushed to every follower's timeline. */
export function pushAll(): FanoutPolicy {
  return { name: "push-all", modeFor: () => "push", skipsInactive: false, isInactive: () => false };
}

/** Nothing is pushed; every read merges the followed authors' recent posts. */
export function pullAll(): FanoutPolicy {
  return { name: "pull-all", modeFor: () => "pull", skipsInactive: false, isInactive: () => false };
}

/** Options for {@link hybrid}. */
export interface HybridOptions {
  /** Authors with at least this many followers are pulled at read time. Default 10,000. */
  celebrityThreshold?: number;
  /** Followers not seen for longer than this many days are not pushed to. Default 30; `null` turns it off. */
  inactiveAfterDays?: number | null;
}

/**
 * Push for most authors, pull for the few with huge audiences, and skip followers who have been away.
 * The design Twitter described: fan-out cost is bounded by the threshold, reads merge a handful of pulled authors.
 */
export function hybrid(options: HybridOptions = {}): FanoutPolicy {
  const threshold = options.celebrityThreshold ?? 10_000;
  const days = options.inactiveAfterDays === undefined ? 30 : options.inactiveAfterDays;
  if (!Number.isInteger(threshold) || threshold < 1) throw new RangeError("celebrityThreshold must be an integer >= 1");
  if (days !== null && !(days > 0)) throw new RangeError("inactiveAfterDays must be > 0 or null");
  const windowMs = days === null ? null : days * DAY_MS;
  return {
    name: "hybrid",
    modeFor: (author) => (author.followers >= threshold ? "pull" : "push"),
    skipsInactive: windowMs !== null,
    isInactive: (lastSeenAt, now) => windowMs !== null && (lastSeenAt === undefined || now - lastSeenAt > windowMs),
  };
}

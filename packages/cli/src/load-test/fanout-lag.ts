import type { FeedEngine, UserId } from "@feed-engine/core";

/** How one fan-out lag probe went. */
export type LagProbe =
  | { outcome: "visible"; ms: number; polls: number }
  | { outcome: "timed-out"; polls: number }
  | { outcome: "no-follower" };

/** Options of {@link probeFanoutLag}. */
export interface LagProbeOptions {
  /** Picks a candidate author. */
  pickAuthor: () => UserId;
  /** `[0, 1)` random source (seeded). */
  random: () => number;
  /** The text of the probe's post. */
  text: string;
  /** Give up after this long. Default 10 s. */
  timeoutMs?: number;
  /**
   * Longest time between two reads of the follower's timeline. Default 10 ms. Reads start 1 ms apart and the gap
   * grows with the time waited (a tenth of it), so the lag is measured to about 10% however short or long it is.
   */
  pollMs?: number;
  /** Authors tried before giving up on finding one with followers. Default 20. */
  tries?: number;
  /** Monotonic ms clock. Default `performance.now`. */
  now?: () => number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Measures end-to-end fan-out lag once: finds an author with followers, picks one of its first 100 followers, posts as
 * the author and reads the follower's home timeline every `pollMs` until the post is on its first page. The lag runs
 * from just before the post call to the end of the read that first showed it, so it includes the write, the bus, the
 * fan-out worker and the read (resolution: about a tenth of the lag, at most `pollMs`, plus one read).
 */
export async function probeFanoutLag(engine: FeedEngine, options: LagProbeOptions): Promise<LagProbe> {
  const now = options.now ?? (() => performance.now());
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollMs = options.pollMs ?? 10;
  let author: UserId | undefined;
  let follower: UserId | undefined;
  for (let tries = 0; tries < (options.tries ?? 20) && follower === undefined; tries++) {
    author = options.pickAuthor();
    const { ids } = await engine.followers(author, { limit: 100 });
    if (ids.length > 0) follower = ids[Math.floor(options.random() * ids.length)];
  }
  if (author === undefined || follower === undefined) return { outcome: "no-follower" };

  const started = now();
  const post = await engine.post(author, { text: options.text });
  let polls = 0;
  for (;;) {
    const page = await engine.homeTimeline(follower, { limit: 20 });
    polls++;
    const at = now();
    if (page.items.some((item) => item.post.id === post.id)) return { outcome: "visible", ms: at - started, polls };
    if (at - started >= timeoutMs) return { outcome: "timed-out", polls };
    await sleep(Math.min(pollMs, Math.max(1, (at - started) / 10)));
  }
}

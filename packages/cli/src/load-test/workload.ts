import type { FeedEngine, PostId, TimelinePage, UserId } from "@feed-engine/core";
import type { Operation } from "./workload-mix.js";
import type { ZipfPicker } from "./zipf-picker.js";

/** Recent post ids for likes to target: a ring of the newest this process has seen, posted or read. */
export class RecentPosts {
  readonly #ids: PostId[] = [];
  readonly #capacity: number;
  #next = 0;

  constructor(capacity = 4096) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#ids.length;
  }

  add(id: PostId): void {
    if (this.#ids.length < this.#capacity) this.#ids.push(id);
    else this.#ids[this.#next] = id;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  /** Remembers the posts of a timeline page (reposts by their original). */
  addPage(page: TimelinePage): void {
    for (const item of page.items) this.add(item.post.id);
  }

  /** One of them, by a `[0, 1)` random number; undefined when there is none yet. */
  pick(u: number): PostId | undefined {
    return this.#ids.length === 0 ? undefined : this.#ids[Math.floor(u * this.#ids.length)];
  }
}

/** A failure of the load generator itself, with a code of its own (no recent post to like). */
export class WorkloadError extends Error {
  override readonly name = "WorkloadError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Page size of timeline reads. */
export const PAGE_SIZE = 20;

/**
 * The mixed workload against an engine: each call runs one operation as an app's request would, with users picked
 * from `users` by the Zipf picker (a few hot users, a long tail) and randomness from `random` (seeded).
 */
export class Workload {
  readonly #engine: FeedEngine;
  readonly #users: readonly UserId[];
  readonly #pick: ZipfPicker;
  readonly #random: () => number;
  readonly #tag: string;
  readonly recentPosts = new RecentPosts();
  #posted = 0;

  /** `tag` goes into every post's text, so load-test posts can be told apart. */
  constructor(engine: FeedEngine, users: readonly UserId[], pick: ZipfPicker, random: () => number, tag: string) {
    this.#engine = engine;
    this.#users = users;
    this.#pick = pick;
    this.#random = random;
    this.#tag = tag;
  }

  /** A user, skewed. */
  user(): UserId {
    return this.#users[this.#pick.next()]!;
  }

  /** A user other than `other` (when there is another). */
  userOtherThan(other: UserId): UserId {
    for (let tries = 0; tries < 8; tries++) {
      const id = this.user();
      if (id !== other) return id;
    }
    const i = this.#users.indexOf(other);
    return this.#users[(i + 1) % this.#users.length]!;
  }

  /** The text of the next post. */
  postText(): string {
    return `${this.#tag} post ${++this.#posted}`;
  }

  /**
   * Fills the recent posts from the home timelines of a few hot users, so likes have targets from the start. Returns
   * how many posts were found.
   */
  async harvest(readers: number): Promise<number> {
    for (let i = 0; i < readers && this.recentPosts.size < 1000; i++) {
      this.recentPosts.addPage(await this.#engine.homeTimeline(this.user(), { limit: 100 }));
    }
    return this.recentPosts.size;
  }

  /**
   * Starts operation `op`, choosing its users and post now (synchronously, so a seeded run picks the same ones in the
   * same order), and returns the request.
   */
  start(op: Operation): Promise<unknown> {
    const engine = this.#engine;
    switch (op) {
      case "read":
        return engine.homeTimeline(this.user(), { limit: PAGE_SIZE }).then((page) => this.recentPosts.addPage(page));
      case "profile": {
        const viewer = this.user();
        return engine.userTimeline(this.user(), { limit: PAGE_SIZE, viewerId: viewer });
      }
      case "post":
        return engine.post(this.user(), { text: this.postText() }).then((post) => this.recentPosts.add(post.id));
      case "follow": {
        const follower = this.user();
        return engine.follow(follower, this.userOtherThan(follower));
      }
      case "like": {
        const postId = this.recentPosts.pick(this.#random());
        if (postId === undefined) {
          return Promise.reject(new WorkloadError("NO_POST", "no post seen yet to like (seed posts, or mix in post)"));
        }
        return engine.like(this.user(), postId);
      }
    }
  }
}

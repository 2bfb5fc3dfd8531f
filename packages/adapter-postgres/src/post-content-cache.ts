import type { PostId } from "@feed-engine/core";
import { frozenContent, type PostContent } from "./post-rows.js";

/** Hits and misses of a cache since it was made, and what it holds now. */
export interface CacheStats {
  hits: number;
  misses: number;
  size: number;
}

/**
 * Post content by id (as {@link frozenContent}: deep-frozen, shared by every read that hits it), bounded by a count of
 * posts. Two generations instead of a strict least-recently-used list: a hit in the young generation costs one map
 * lookup and no write (a home read looks up ~20 posts), a hit in the old one moves the post to the young one, and when
 * the young generation holds half the bound the old one is dropped whole. A post read at least once while half the
 * bound of newer posts arrived therefore stays; at most `max(maxPosts, 2)` are held.
 */
export class PostContentCache {
  readonly #half: number;
  #young = new Map<PostId, PostContent>();
  #old = new Map<PostId, PostContent>();
  #hits = 0;
  #misses = 0;

  constructor(maxPosts: number) {
    this.#half = Math.max(1, Math.floor(maxPosts / 2));
  }

  get(id: PostId): PostContent | undefined {
    let content = this.#young.get(id);
    if (content === undefined) {
      content = this.#old.get(id);
      if (content !== undefined) {
        this.#old.delete(id);
        this.#keep(id, content);
      }
    }
    if (content === undefined) this.#misses++;
    else this.#hits++;
    return content;
  }

  /** Keeps a frozen copy of `content` (the caller's object stays its own), or the copy already held. */
  set(content: PostContent): void {
    const id = content.id;
    if (this.#young.has(id)) return;
    const held = this.#old.get(id);
    this.#old.delete(id);
    this.#keep(id, held ?? frozenContent(content));
  }

  get stats(): CacheStats {
    return { hits: this.#hits, misses: this.#misses, size: this.#young.size + this.#old.size };
  }

  #keep(id: PostId, content: PostContent): void {
    if (this.#young.size >= this.#half) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(id, content);
  }
}

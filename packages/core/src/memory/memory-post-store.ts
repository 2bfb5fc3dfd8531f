import type { Post, PostRecord, PostRef } from "../domain/types.js";
import { FeedError } from "../errors/feed-error.js";
import { compareIds, isId, type PostId, type UserId } from "../ids/id.js";
import type { HydratedPost, IdRange, LikeRecord, PostStore } from "../ports/post-store.js";
import { partitionPoint } from "./partition-point.js";

/** First index whose id is at or above `id` in an ascending array. */
function lowerBound(ids: readonly PostId[], id: PostId): number {
  return partitionPoint(ids, (x) => compareIds(x, id) < 0);
}

/** First index whose id is above `id` in an ascending array. */
function upperBound(ids: readonly PostId[], id: PostId): number {
  return partitionPoint(ids, (x) => compareIds(x, id) <= 0);
}

/** The slice `[start, end)` of an ascending array that `range` selects (before/after are exclusive). */
function rangeOf(ids: readonly PostId[], range: IdRange): [start: number, end: number] {
  const start = range.after === undefined ? 0 : upperBound(ids, range.after);
  const end = range.before === undefined ? ids.length : lowerBound(ids, range.before);
  return [start, end];
}

/** `limit` as a count: anything that is not a positive number selects nothing. */
function countOf(limit: number): number {
  return limit > 0 ? Math.floor(limit) : 0;
}

function copyRef(ref: PostRef): PostRef {
  return { postId: ref.postId, authorId: ref.authorId };
}

function copyRecord(post: PostRecord): PostRecord {
  const copy: PostRecord = {
    id: post.id,
    authorId: post.authorId,
    text: post.text,
    createdAt: post.createdAt,
    mentions: [...post.mentions],
    media: [...post.media],
    deleted: post.deleted,
  };
  if (post.replyTo !== undefined) copy.replyTo = copyRef(post.replyTo);
  if (post.repostOf !== undefined) copy.repostOf = copyRef(post.repostOf);
  return copy;
}

function invalid(field: string, message: string): FeedError {
  return new FeedError("VALIDATION", `MemoryPostStore.insertMany: ${field} ${message}`, { field });
}

function checkId(value: unknown, field: string): void {
  if (!isId(value)) throw invalid(field, "must be a decimal id string from 0 to 2^63-1");
}

function checkRef(ref: unknown, field: string): void {
  if (ref === undefined) return;
  if (typeof ref !== "object" || ref === null) throw invalid(field, "must be { postId, authorId }");
  checkId((ref as PostRef).postId, `${field}.postId`);
  checkId((ref as PostRef).authorId, `${field}.authorId`);
}

/**
 * Checks the shape of a record before a bulk write: the checks every backend agrees on (ids, integer times, arrays of
 * ids and strings), so a record one adapter refuses is not silently kept by the reference store.
 */
function checkRecord(post: PostRecord, field: string): void {
  if (typeof post !== "object" || post === null) throw invalid(field, "must be a post record");
  checkId(post.id, `${field}.id`);
  checkId(post.authorId, `${field}.authorId`);
  if (typeof post.text !== "string") throw invalid(`${field}.text`, "must be a string");
  if (!Number.isSafeInteger(post.createdAt)) throw invalid(`${field}.createdAt`, "must be an integer (ms)");
  checkRef(post.replyTo, `${field}.replyTo`);
  checkRef(post.repostOf, `${field}.repostOf`);
  if (!Array.isArray(post.mentions)) throw invalid(`${field}.mentions`, "must be an array of ids");
  post.mentions.forEach((id, i) => {
    checkId(id, `${field}.mentions[${i}]`);
  });
  if (!Array.isArray(post.media) || !post.media.every((url) => typeof url === "string")) {
    throw invalid(`${field}.media`, "must be an array of strings");
  }
  if (typeof post.deleted !== "boolean") throw invalid(`${field}.deleted`, "must be a boolean");
}

function copyLike(like: LikeRecord): LikeRecord {
  return { userId: like.userId, postId: like.postId, id: like.id, at: like.at };
}

/** A cursor into one author's ascending list, read downwards; `next` is the index of the next id to emit. */
interface Run {
  ids: readonly PostId[];
  next: number;
  stop: number;
}

/** Binary max-heap of runs keyed by each run's next id. */
class RunHeap {
  readonly #runs: Run[];

  constructor(runs: Run[]) {
    this.#runs = runs;
    for (let i = (runs.length >>> 1) - 1; i >= 0; i--) this.#down(i);
  }

  /** Removes and returns the largest next id, or undefined when every run is spent. */
  pop(): PostId | undefined {
    const top = this.#runs[0];
    if (top === undefined) return undefined;
    const id = top.ids[top.next]!;
    top.next--;
    if (top.next < top.stop) {
      const last = this.#runs.pop()!;
      if (this.#runs.length === 0) return id;
      this.#runs[0] = last;
    }
    this.#down(0);
    return id;
  }

  #key(i: number): PostId {
    const run = this.#runs[i]!;
    return run.ids[run.next]!;
  }

  #down(from: number): void {
    const runs = this.#runs;
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= runs.length) return;
      const right = left + 1;
      const child = right < runs.length && compareIds(this.#key(right), this.#key(left)) > 0 ? right : left;
      if (compareIds(this.#key(child), this.#key(i)) <= 0) return;
      [runs[i], runs[child]] = [runs[child]!, runs[i]!];
      i = child;
    }
  }
}

/**
 * The embedded {@link PostStore}. Every post stays in a `Map` by id (deleted ones flagged); each author has an
 * ascending array of live post ids (appends are the common case, since Snowflake ids grow); live reposts are indexed
 * by original and reposter; likes sit in a `Map` per post. Records are copied on the way in and out. `insertMany` is
 * the same insert in a loop, after a shape check of every record.
 */
export class MemoryPostStore implements PostStore {
  readonly #posts = new Map<PostId, PostRecord>();
  readonly #byAuthor = new Map<UserId, PostId[]>();
  /** original id -> reposter id -> live repost id. */
  readonly #reposts = new Map<PostId, Map<UserId, PostId>>();
  /** post id -> liker id -> like. */
  readonly #likes = new Map<PostId, Map<UserId, LikeRecord>>();

  /**
   * Stores a post. A repost by an author who already has a live repost of the same original writes nothing and returns
   * that repost. An id that is already stored also writes nothing (`created: false`), so a retried insert is harmless.
   */
  async insert(post: PostRecord): Promise<{ created: boolean; id: PostId }> {
    return this.#insert(post);
  }

  /**
   * Checks every record, then stores them as {@link insert} would, in ascending id order (equal ids in the order
   * given), so the lowest id wins among reposts of one original by one author. Returns how many were stored.
   */
  async insertMany(posts: readonly PostRecord[]): Promise<number> {
    if (!Array.isArray(posts)) {
      throw new FeedError("VALIDATION", "MemoryPostStore.insertMany: posts must be an array", { field: "posts" });
    }
    posts.forEach((post, i) => {
      checkRecord(post, `posts[${i}]`);
    });
    const order = posts.map((_, i) => i).sort((a, b) => compareIds(posts[a]!.id, posts[b]!.id) || a - b);
    let created = 0;
    for (const i of order) if (this.#insert(posts[i]!).created) created++;
    return created;
  }

  /** One post as stored, deleted or not. */
  async get(id: PostId): Promise<PostRecord | undefined> {
    const post = this.#posts.get(id);
    return post === undefined ? undefined : copyRecord(post);
  }

  /** The live posts among `ids`, each with its original when that is live; fresh objects on every call. */
  async hydrate(ids: readonly PostId[]): Promise<Map<PostId, HydratedPost>> {
    const out = new Map<PostId, HydratedPost>();
    for (const id of ids) {
      if (out.has(id)) continue;
      const post = this.#live(id);
      if (post === undefined) continue;
      const hydrated: HydratedPost = { post: this.#toPost(post) };
      const original = post.repostOf === undefined ? undefined : this.#live(post.repostOf.postId);
      if (original !== undefined) hydrated.original = this.#toPost(original);
      out.set(id, hydrated);
    }
    return out;
  }

  /** Marks a post deleted and drops it from its author's list and the repost index. */
  async delete(id: PostId): Promise<boolean> {
    const post = this.#live(id);
    if (post === undefined) return false;
    post.deleted = true;
    this.#removeFromAuthor(post.authorId, id);
    const original = post.repostOf?.postId;
    if (original !== undefined) {
      const reposters = this.#reposts.get(original);
      if (reposters?.get(post.authorId) === id) {
        reposters.delete(post.authorId);
        if (reposters.size === 0) this.#reposts.delete(original);
      }
    }
    return true;
  }

  /** An author's live post ids, newest first, within `range`. */
  async byAuthor(authorId: UserId, range: IdRange): Promise<PostId[]> {
    const ids = this.#byAuthor.get(authorId);
    const limit = countOf(range.limit);
    if (ids === undefined || limit === 0) return [];
    const [start, end] = rangeOf(ids, range);
    const out: PostId[] = [];
    for (let i = end - 1; i >= start && out.length < limit; i--) out.push(ids[i]!);
    return out;
  }

  /** The live post ids of any of `authorIds`, newest first, within `range`: a k-way merge of the authors' lists. */
  async byAuthors(authorIds: readonly UserId[], range: IdRange): Promise<PostId[]> {
    const limit = countOf(range.limit);
    if (limit === 0) return [];
    const runs: Run[] = [];
    for (const authorId of new Set(authorIds)) {
      const ids = this.#byAuthor.get(authorId);
      if (ids === undefined) continue;
      const [start, end] = rangeOf(ids, range);
      if (end > start) runs.push({ ids, next: end - 1, stop: start });
    }
    const heap = new RunHeap(runs);
    const out: PostId[] = [];
    while (out.length < limit) {
      const id = heap.pop();
      if (id === undefined) break;
      out.push(id);
    }
    return out;
  }

  /** Ids of the live reposts of `originalId` by any of `reposterIds`, ascending. */
  async findReposts(originalId: PostId, reposterIds: readonly UserId[]): Promise<PostId[]> {
    const reposters = this.#reposts.get(originalId);
    if (reposters === undefined) return [];
    const found = new Set<PostId>();
    if (reposterIds.length <= reposters.size) {
      for (const reposterId of reposterIds) {
        const repostId = reposters.get(reposterId);
        if (repostId !== undefined) found.add(repostId);
      }
    } else {
      const wanted = new Set(reposterIds);
      for (const [reposterId, repostId] of reposters) if (wanted.has(reposterId)) found.add(repostId);
    }
    return [...found].sort(compareIds);
  }

  /** Number of live posts, replies and reposts by an author. */
  async countByAuthor(authorId: UserId): Promise<number> {
    return this.#byAuthor.get(authorId)?.length ?? 0;
  }

  /** Adds a like unless this user already likes the post. */
  async like(like: LikeRecord): Promise<boolean> {
    let likers = this.#likes.get(like.postId);
    if (likers?.has(like.userId)) return false;
    if (likers === undefined) {
      likers = new Map();
      this.#likes.set(like.postId, likers);
    }
    likers.set(like.userId, copyLike(like));
    return true;
  }

  /** Removes a like; false when there was none. */
  async unlike(userId: UserId, postId: PostId): Promise<boolean> {
    const likers = this.#likes.get(postId);
    if (likers === undefined || !likers.delete(userId)) return false;
    if (likers.size === 0) this.#likes.delete(postId);
    return true;
  }

  /** The like of `postId` by `userId`, if there is one. */
  async getLike(userId: UserId, postId: PostId): Promise<LikeRecord | undefined> {
    const like = this.#likes.get(postId)?.get(userId);
    return like === undefined ? undefined : copyLike(like);
  }

  #insert(post: PostRecord): { created: boolean; id: PostId } {
    if (this.#posts.has(post.id)) return { created: false, id: post.id };
    const original = post.repostOf?.postId;
    if (original !== undefined && !post.deleted) {
      const existing = this.#reposts.get(original)?.get(post.authorId);
      if (existing !== undefined) return { created: false, id: existing };
    }
    this.#posts.set(post.id, copyRecord(post));
    if (post.deleted) return { created: true, id: post.id };
    this.#addToAuthor(post.authorId, post.id);
    if (original !== undefined) {
      let reposters = this.#reposts.get(original);
      if (reposters === undefined) {
        reposters = new Map();
        this.#reposts.set(original, reposters);
      }
      reposters.set(post.authorId, post.id);
    }
    return { created: true, id: post.id };
  }

  #live(id: PostId): PostRecord | undefined {
    const post = this.#posts.get(id);
    return post === undefined || post.deleted ? undefined : post;
  }

  #toPost(record: PostRecord): Post {
    const { deleted: _deleted, ...rest } = copyRecord(record);
    return { ...rest, likeCount: this.#likes.get(record.id)?.size ?? 0 };
  }

  #addToAuthor(authorId: UserId, id: PostId): void {
    const ids = this.#byAuthor.get(authorId);
    if (ids === undefined) {
      this.#byAuthor.set(authorId, [id]);
    } else if (ids.length === 0 || compareIds(ids[ids.length - 1]!, id) < 0) {
      ids.push(id);
    } else {
      ids.splice(lowerBound(ids, id), 0, id);
    }
  }

  #removeFromAuthor(authorId: UserId, id: PostId): void {
    const ids = this.#byAuthor.get(authorId);
    if (ids === undefined) return;
    const at = lowerBound(ids, id);
    if (ids[at] !== id) return;
    ids.splice(at, 1);
    if (ids.length === 0) this.#byAuthor.delete(authorId);
  }
}

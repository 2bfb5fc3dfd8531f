/**
 * What each write does to the model, and which writes the engine must reject (with which error codes), from
 * docs/definitions.md and the FeedEngine interface. A prediction lists every code that applies: when two rules
 * fail at once (a deleted post across a block), the engine may report either.
 */
import {
  findHandle,
  findPost,
  findUser,
  type Id,
  isBlocked,
  isFollowing,
  type Model,
  type ModelPost,
} from "./oracle.js";

/** The error codes a rejected write may carry. */
export type RejectCode = "VALIDATION" | "NOT_FOUND" | "CONFLICT" | "FORBIDDEN";

const MENTION = /@([A-Za-z0-9_]+)/g;

/** Text is 1-280 code points after trimming. */
export function textIsValid(text: string): boolean {
  const length = [...text.trim()].length;
  return length >= 1 && length <= 280;
}

/** Users mentioned by `@handle` in `text`: existing, not the author, not blocked with the author; each once. */
export function resolveMentions(model: Model, authorId: Id, text: string): Id[] {
  const ids: Id[] = [];
  for (const match of text.matchAll(MENTION)) {
    const user = findHandle(model, match[1]!);
    if (user === undefined || user.id === authorId || isBlocked(model, user.id, authorId)) continue;
    if (!ids.includes(user.id)) ids.push(user.id);
  }
  return ids;
}

/** The post a reply or repost of `postId` is about (its original when it is a repost), and whether it is live. */
export function resolveTarget(model: Model, postId: Id): { target?: ModelPost; live: boolean } {
  const post = findPost(model, postId);
  if (post === undefined) return { live: false };
  const target = post.repostOf === undefined ? post : findPost(model, post.repostOf.postId);
  return { target, live: !post.deleted && target !== undefined && !target.deleted };
}

function unknownUsers(model: Model, ...ids: Id[]): RejectCode[] {
  return ids.some((id) => findUser(model, id) === undefined) ? ["NOT_FOUND"] : [];
}

function unique(codes: RejectCode[]): RejectCode[] {
  return [...new Set(codes)];
}

/** Codes for replying to (`resolve`) or liking a post: unknown or deleted post, or a block with its author. */
export function interactionErrors(model: Model, userId: Id, postId: Id, resolve: boolean): RejectCode[] {
  const codes = unknownUsers(model, userId);
  const post = findPost(model, postId);
  const { target, live } = resolve ? resolveTarget(model, postId) : { target: post, live: post?.deleted === false };
  if (!live) codes.push("NOT_FOUND");
  if (target !== undefined && isBlocked(model, userId, target.authorId)) codes.push("FORBIDDEN");
  return unique(codes);
}

/** Codes for `post(authorId, { text, replyTo })`. */
export function postErrors(model: Model, authorId: Id, text: string, replyTo: Id | undefined): RejectCode[] {
  const codes =
    replyTo === undefined ? unknownUsers(model, authorId) : interactionErrors(model, authorId, replyTo, true);
  if (!textIsValid(text)) codes.push("VALIDATION");
  return unique(codes);
}

/** Codes for `deletePost(userId, postId)`. */
export function deleteErrors(model: Model, userId: Id, postId: Id): RejectCode[] {
  const codes = unknownUsers(model, userId);
  const post = findPost(model, postId);
  if (post === undefined || post.deleted) codes.push("NOT_FOUND");
  if (post !== undefined && post.authorId !== userId) codes.push("FORBIDDEN");
  return unique(codes);
}

/** Codes for `follow(a, b)`. */
export function followErrors(model: Model, a: Id, b: Id): RejectCode[] {
  const codes = unknownUsers(model, a, b);
  if (a === b) codes.push("VALIDATION");
  if (isBlocked(model, a, b)) codes.push("FORBIDDEN");
  return unique(codes);
}

/** Codes for `unfollow`, `block` and `unblock` (the runner names one user twice only as an unknown id). */
export function pairErrors(model: Model, a: Id, b: Id): RejectCode[] {
  return unique([...unknownUsers(model, a, b), ...(a === b ? (["VALIDATION"] as const) : [])]);
}

/** Codes for reading `authorId`'s timeline as `viewerId`. */
export function userTimelineErrors(model: Model, authorId: Id, viewerId: Id | undefined): RejectCode[] {
  const codes = unknownUsers(model, authorId, ...(viewerId === undefined ? [] : [viewerId]));
  if (viewerId !== undefined && isBlocked(model, viewerId, authorId)) codes.push("FORBIDDEN");
  return unique(codes);
}

/** Codes for `registerUser({ handle })` with a well-formed handle. */
export function registerErrors(model: Model, handle: string): RejectCode[] {
  return findHandle(model, handle) === undefined ? [] : ["CONFLICT"];
}

/** The live repost of `originalId` by `userId`, if any. */
export function liveRepost(model: Model, userId: Id, originalId: Id): ModelPost | undefined {
  return model.posts.find((p) => !p.deleted && p.authorId === userId && p.repostOf?.postId === originalId);
}

/** Records a like; false when it already stood (nothing changes). */
export function applyLike(model: Model, userId: Id, postId: Id, seq: number, at: number): boolean {
  if (model.likes.some((l) => l.userId === userId && l.postId === postId)) return false;
  model.likes.push({ userId, postId, seq, at });
  return true;
}

/** Takes a like back; false when there was none. */
export function applyUnlike(model: Model, userId: Id, postId: Id): boolean {
  const before = model.likes.length;
  model.likes = model.likes.filter((l) => !(l.userId === userId && l.postId === postId));
  return model.likes.length !== before;
}

/** Records a follow; false when it already stood. */
export function applyFollow(model: Model, a: Id, b: Id, seq: number, at: number): boolean {
  if (isFollowing(model, a, b)) return false;
  model.follows.push({ followerId: a, followeeId: b, seq, at });
  return true;
}

/** Ends a follow; false when there was none. */
export function applyUnfollow(model: Model, a: Id, b: Id): boolean {
  if (!isFollowing(model, a, b)) return false;
  model.follows = model.follows.filter((f) => !(f.followerId === a && f.followeeId === b));
  return true;
}

/** Records a block and ends follows both ways; false when `a` already blocked `b`. */
export function applyBlock(model: Model, a: Id, b: Id): boolean {
  if (model.blocks.some((k) => k.blockerId === a && k.blockedId === b)) return false;
  model.blocks.push({ blockerId: a, blockedId: b });
  applyUnfollow(model, a, b);
  applyUnfollow(model, b, a);
  return true;
}

/** Lifts `a`'s block of `b` (not `b`'s of `a`); false when there was none. Follows are not restored. */
export function applyUnblock(model: Model, a: Id, b: Id): boolean {
  const before = model.blocks.length;
  model.blocks = model.blocks.filter((k) => !(k.blockerId === a && k.blockedId === b));
  return model.blocks.length !== before;
}

/** Raises `r`'s read mark to everything so far; never lowers it. */
export function applyMarkRead(model: Model, r: Id): void {
  model.readMarks.set(r, Math.max(model.readMarks.get(r) ?? 0, model.seq));
}

/** Counters of a user as `getUser` must report them; `posts` is a range because reposts of a deleted original may or may not count. */
export function expectedCounters(
  model: Model,
  userId: Id,
): { followers: number; following: number; postsMin: number; postsMax: number } {
  const live = model.posts.filter((p) => p.authorId === userId && !p.deleted);
  const orphans = live.filter((p) => p.repostOf !== undefined && findPost(model, p.repostOf.postId)?.deleted === true);
  return {
    followers: model.follows.filter((f) => f.followeeId === userId).length,
    following: model.follows.filter((f) => f.followerId === userId).length,
    postsMin: live.length - orphans.length,
    postsMax: live.length,
  };
}

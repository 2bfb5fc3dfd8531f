/**
 * The oracle: a plain model of users, posts, follows, blocks, likes and read marks, and the reads of
 * docs/definitions.md computed straight from it (filters and sorts over arrays, no indexes, no caches).
 * It is written from the definitions only, never from the engine, so that the two can disagree.
 */

/** A decimal id string, as the engine returns it. */
export type Id = string;

/** A registered account. */
export interface ModelUser {
  id: Id;
  handle: string;
}

/** A post, reply or repost, with the engine's id and the action that made it. */
export interface ModelPost {
  id: Id;
  authorId: Id;
  /** Trimmed text; empty for a repost. */
  text: string;
  replyTo?: { postId: Id; authorId: Id };
  repostOf?: { postId: Id; authorId: Id };
  mentions: Id[];
  deleted: boolean;
  /** Action sequence number: orders actions like the engine's Snowflake ids. */
  seq: number;
  /** Clock time of the action (ms). */
  at: number;
}

/** A follow edge, with the action that made it. */
export interface ModelFollow {
  followerId: Id;
  followeeId: Id;
  seq: number;
  at: number;
}

/** A standing like of a post. */
export interface ModelLike {
  userId: Id;
  postId: Id;
  seq: number;
  at: number;
}

/** A directed block. */
export interface ModelBlock {
  blockerId: Id;
  blockedId: Id;
}

/** The whole state of the model. */
export interface Model {
  users: ModelUser[];
  posts: ModelPost[];
  follows: ModelFollow[];
  blocks: ModelBlock[];
  likes: ModelLike[];
  /** Per user: the action sequence number up to which notifications are read. */
  readMarks: Map<Id, number>;
  /** The sequence number of the latest action. */
  seq: number;
}

/** One home or user timeline entry as the oracle predicts it. */
export interface OracleEntry {
  id: Id;
  contentId: Id;
  authorId: Id;
  repostedBy?: Id;
}

/** One notification group as the oracle predicts it; `seq` orders groups like the engine's `latestId`. */
export interface OracleGroup {
  type: "like" | "repost" | "follow" | "reply" | "mention";
  postId?: Id;
  actors: Id[];
  actorCount: number;
  latestAt: number;
  read: boolean;
  seq: number;
}

/** An empty model. */
export function createModel(): Model {
  return { users: [], posts: [], follows: [], blocks: [], likes: [], readMarks: new Map(), seq: 0 };
}

/** Numeric order of two decimal ids. */
export function compareIdValues(a: Id, b: Id): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The user with this id, if registered. */
export function findUser(model: Model, id: Id): ModelUser | undefined {
  return model.users.find((u) => u.id === id);
}

/** The user with this handle, without regard to case. */
export function findHandle(model: Model, handle: string): ModelUser | undefined {
  return model.users.find((u) => u.handle.toLowerCase() === handle.toLowerCase());
}

/** The post (live or deleted) with this id. */
export function findPost(model: Model, id: Id): ModelPost | undefined {
  return model.posts.find((p) => p.id === id);
}

/** Whether `a` follows `b` now. */
export function isFollowing(model: Model, a: Id, b: Id): boolean {
  return model.follows.some((f) => f.followerId === a && f.followeeId === b);
}

/** `blocked(a, b)`: a block stands between them in either direction. */
export function isBlocked(model: Model, a: Id, b: Id): boolean {
  return model.blocks.some((k) => (k.blockerId === a && k.blockedId === b) || (k.blockerId === b && k.blockedId === a));
}

/** Whether `a` is in `S(r)`: followed by `r`, or `r` itself. */
export function inCircle(model: Model, r: Id, a: Id): boolean {
  return a === r || isFollowing(model, r, a);
}

/** Whether a live repost's original is deleted (the repost can never be shown again). */
export function isOrphanRepost(model: Model, post: ModelPost): boolean {
  return post.repostOf !== undefined && findPost(model, post.repostOf.postId)?.deleted !== false;
}

/** Rules 1-3 of the home timeline for entry `e` of reader `r`. */
export function homeVisibleByRules(model: Model, r: Id, e: ModelPost): boolean {
  if (e.deleted || !inCircle(model, r, e.authorId) || isBlocked(model, e.authorId, r)) return false;
  if (e.repostOf !== undefined) {
    const original = findPost(model, e.repostOf.postId);
    return original !== undefined && !original.deleted && !isBlocked(model, original.authorId, r);
  }
  if (e.replyTo !== undefined) return inCircle(model, r, e.replyTo.authorId);
  return true;
}

/** Keeps the oldest entry per content and returns the result newest first. */
function oldestEntryWins(model: Model, visible: ModelPost[]): OracleEntry[] {
  const ascending = [...visible].sort((a, b) => compareIdValues(a.id, b.id));
  const shown = new Set<Id>();
  const entries: OracleEntry[] = [];
  for (const e of ascending) {
    const contentId = e.repostOf?.postId ?? e.id;
    if (shown.has(contentId)) continue;
    shown.add(contentId);
    const content = findPost(model, contentId)!;
    entries.push(
      e.repostOf === undefined
        ? { id: e.id, contentId, authorId: content.authorId }
        : { id: e.id, contentId, authorId: content.authorId, repostedBy: e.authorId },
    );
  }
  return entries.reverse();
}

/** The full home timeline of `readerId`, newest first. */
export function homeTimeline(model: Model, readerId: Id): OracleEntry[] {
  return oldestEntryWins(
    model,
    model.posts.filter((e) => homeVisibleByRules(model, readerId, e)),
  );
}

/** Whether entry `e` of author `authorId` is visible in the user timeline (before the oldest-entry rule). */
export function userVisibleByRules(model: Model, authorId: Id, e: ModelPost, viewerId?: Id): boolean {
  if (e.deleted || e.authorId !== authorId) return false;
  if (e.repostOf === undefined) return true;
  const original = findPost(model, e.repostOf.postId);
  if (original === undefined || original.deleted) return false;
  return viewerId === undefined || !isBlocked(model, original.authorId, viewerId);
}

/** The full user timeline of `authorId` (as seen by `viewerId`), newest first. */
export function userTimeline(model: Model, authorId: Id, viewerId?: Id): OracleEntry[] {
  return oldestEntryWins(
    model,
    model.posts.filter((e) => userVisibleByRules(model, authorId, e, viewerId)),
  );
}

/** One notification before grouping. */
export interface RawNotification {
  type: OracleGroup["type"];
  actorId: Id;
  postId?: Id;
  seq: number;
  at: number;
}

/** The raw notifications of `r` whose cause holds now and whose actor is not blocked with `r`. */
export function rawNotifications(model: Model, r: Id): RawNotification[] {
  const raw: RawNotification[] = [];
  const liveOf = (id: Id) => {
    const p = findPost(model, id);
    return p !== undefined && !p.deleted ? p : undefined;
  };
  for (const like of model.likes) {
    if (liveOf(like.postId)?.authorId === r)
      raw.push({ type: "like", actorId: like.userId, postId: like.postId, ...at(like) });
  }
  for (const q of model.posts) {
    if (q.deleted) continue;
    if (q.repostOf !== undefined) {
      if (liveOf(q.repostOf.postId)?.authorId === r)
        raw.push({ type: "repost", actorId: q.authorId, postId: q.repostOf.postId, ...at(q) });
    } else if (q.replyTo?.authorId === r) {
      raw.push({ type: "reply", actorId: q.authorId, postId: q.id, ...at(q) });
    } else if (q.mentions.includes(r)) {
      raw.push({ type: "mention", actorId: q.authorId, postId: q.id, ...at(q) });
    }
  }
  for (const f of model.follows) {
    if (f.followeeId === r) raw.push({ type: "follow", actorId: f.followerId, ...at(f) });
  }
  return raw.filter((n) => n.actorId !== r && !isBlocked(model, n.actorId, r));
}

function at(action: { seq: number; at: number }): { seq: number; at: number } {
  return { seq: action.seq, at: action.at };
}

/** The grouped notifications of `recipientId`, newest group first. */
export function notificationGroups(model: Model, recipientId: Id, windowMs: number): OracleGroup[] {
  const groups = new Map<string, RawNotification[]>();
  for (const n of rawNotifications(model, recipientId)) {
    const w = Math.floor(n.at / windowMs);
    const key =
      n.type === "like" || n.type === "repost"
        ? `${n.type}:${n.postId}:${w}`
        : n.type === "follow"
          ? `follow:${w}`
          : `${n.type}:${n.seq}`;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  const mark = model.readMarks.get(recipientId) ?? 0;
  const result: OracleGroup[] = [];
  for (const members of groups.values()) {
    members.sort((a, b) => b.seq - a.seq);
    const newest = members[0]!;
    const actors = [...new Set(members.map((n) => n.actorId))];
    const group: OracleGroup = {
      type: newest.type,
      actors: actors.slice(0, 3),
      actorCount: actors.length,
      latestAt: newest.at,
      read: newest.seq <= mark,
      seq: newest.seq,
    };
    if (newest.postId !== undefined) group.postId = newest.postId;
    result.push(group);
  }
  return result.sort((a, b) => b.seq - a.seq);
}

/** How many groups are not read. */
export function unreadCount(model: Model, recipientId: Id, windowMs: number): number {
  return notificationGroups(model, recipientId, windowMs).filter((g) => !g.read).length;
}

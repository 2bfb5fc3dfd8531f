/**
 * Runs one command against the engine and the model side by side: the model predicts acceptance or the error codes,
 * a rejected command must change nothing (the model is left as it was), and reads are compared with the oracle.
 */
import { expect } from "vitest";
import { type FeedEngine, FeedError, type ManualClock } from "../../index.js";
import {
  expectHomeExact,
  expectNotificationsExact,
  expectSafeItems,
  expectSafeNotifications,
  expectSafeRead,
  expectUserExact,
  homeSafety,
  userSafety,
} from "./checks.js";
import { type Command, HANDLES, type PostRef, type UserRef, withCase } from "./commands.js";
import {
  applyBlock,
  applyFollow,
  applyLike,
  applyMarkRead,
  applyUnblock,
  applyUnfollow,
  applyUnlike,
  deleteErrors,
  expectedCounters,
  followErrors,
  interactionErrors,
  liveRepost,
  pairErrors,
  postErrors,
  type RejectCode,
  registerErrors,
  resolveMentions,
  resolveTarget,
  userTimelineErrors,
} from "./model-rules.js";
import { compareIdValues, findPost, findUser, type Id, isOrphanRepost, type Model, type ModelPost } from "./oracle.js";

/** Ids that no engine hands out in a test run. */
const UNKNOWN_USER = "9223372036854775000";
const UNKNOWN_POST = "9223372036854775001";

/** The engine and the model under one run. */
export interface World {
  engine: FeedEngine;
  model: Model;
  clock: ManualClock;
  windowMs: number;
  /** Drain the bus after every command and compare reads exactly; otherwise check the safety rules only. */
  exact: boolean;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, error };
  }
}

function describe(error: unknown): string {
  return error instanceof FeedError ? `FeedError ${error.code}: ${error.message}` : String(error);
}

function isRejection(outcome: Outcome<unknown>, codes: RejectCode[]): boolean {
  return !outcome.ok && outcome.error instanceof FeedError && codes.includes(outcome.error.code as RejectCode);
}

/** Runs `call`; when `codes` is not empty, it must throw a FeedError with one of them. Returns the value on success. */
async function perform<T>(label: string, codes: RejectCode[], call: () => Promise<T>): Promise<Outcome<T>> {
  const outcome = await settle(call);
  if (codes.length > 0) {
    if (outcome.ok) throw new Error(`${label}: expected FeedError ${codes.join(" or ")}, but it succeeded`);
    if (!isRejection(outcome, codes)) {
      throw new Error(`${label}: expected FeedError ${codes.join(" or ")}, got ${describe(outcome.error)}`);
    }
  } else if (!outcome.ok) {
    throw new Error(`${label}: expected success, got ${describe(outcome.error)}`, { cause: outcome.error });
  }
  return outcome;
}

function userAt(model: Model, ref: UserRef): Id {
  return ref < 0 ? UNKNOWN_USER : model.users[ref % model.users.length]!.id;
}

/** A user other than `user` (pair commands other than follow never name the same user twice). */
function otherUserAt(model: Model, user: Id, ref: UserRef): Id | undefined {
  if (ref < 0) return UNKNOWN_USER;
  const others = model.users.filter((u) => u.id !== user);
  return others[ref % Math.max(others.length, 1)]?.id;
}

function postAt(model: Model, ref: PostRef, filter: (p: ModelPost) => boolean = () => true): Id | undefined {
  if (ref < 0) return UNKNOWN_POST;
  const posts = model.posts.filter(filter);
  return posts[ref % Math.max(posts.length, 1)]?.id;
}

function newestPostId(model: Model): Id | undefined {
  return model.posts
    .map((p) => p.id)
    .sort(compareIdValues)
    .at(-1);
}

/** Applies one command to the engine and the model, checking the engine against the model. */
export async function runCommand(world: World, command: Command): Promise<void> {
  await step(world, command);
  if (world.exact) await world.engine.drain();
}

async function step(world: World, command: Command): Promise<void> {
  const { engine, model, clock } = world;
  const seq = ++model.seq;
  const at = clock.now();
  const label = JSON.stringify(command);
  switch (command.kind) {
    case "register": {
      const handle = withCase(HANDLES[command.handle]!, command.caseMask);
      const outcome = await perform(label, registerErrors(model, handle), () => engine.registerUser({ handle }));
      if (!outcome.ok) return;
      expect(outcome.value, label).toMatchObject({ handle, displayName: handle, followers: 0, following: 0, posts: 0 });
      expect(findUser(model, outcome.value.id), `${label}: fresh id`).toBeUndefined();
      model.users.push({ id: outcome.value.id, handle });
      return;
    }
    case "post": {
      const author = userAt(model, command.user);
      const replyTo = command.replyTo === null ? undefined : postAt(model, command.replyTo);
      const codes = postErrors(model, author, command.text, replyTo);
      const outcome = await perform(label, codes, () =>
        engine.post(author, { text: command.text, ...(replyTo === undefined ? {} : { replyTo }) }),
      );
      if (!outcome.ok) return;
      const target = replyTo === undefined ? undefined : resolveTarget(model, replyTo).target!;
      const post: ModelPost = {
        id: outcome.value.id,
        authorId: author,
        text: command.text.trim(),
        mentions: resolveMentions(model, author, command.text),
        deleted: false,
        seq,
        at,
      };
      if (target !== undefined) post.replyTo = { postId: target.id, authorId: target.authorId };
      const returned = outcome.value;
      expect(
        {
          id: returned.id,
          authorId: returned.authorId,
          text: returned.text,
          replyTo: returned.replyTo,
          repostOf: returned.repostOf,
          mentions: [...returned.mentions].sort(compareIdValues),
        },
        `${label}: returned post`,
      ).toEqual({
        id: post.id,
        authorId: author,
        text: post.text,
        replyTo: post.replyTo,
        repostOf: undefined,
        mentions: [...post.mentions].sort(compareIdValues),
      });
      expectNewest(model, post.id, label);
      model.posts.push(post);
      return;
    }
    case "repost": {
      const user = userAt(model, command.user);
      const postId = postAt(model, command.post);
      if (postId === undefined) return;
      const outcome = await perform(label, interactionErrors(model, user, postId, true), () =>
        engine.repost(user, postId),
      );
      if (!outcome.ok) return;
      const original = resolveTarget(model, postId).target!;
      const existing = liveRepost(model, user, original.id);
      if (existing !== undefined) {
        expect(outcome.value.id, `${label}: reposting again returns the first repost`).toBe(existing.id);
        return;
      }
      const repostOf = { postId: original.id, authorId: original.authorId };
      expect(outcome.value, `${label}: returned repost`).toMatchObject({ authorId: user, repostOf, text: "" });
      expectNewest(model, outcome.value.id, label);
      model.posts.push({
        id: outcome.value.id,
        authorId: user,
        text: "",
        repostOf,
        mentions: [],
        deleted: false,
        seq,
        at,
      });
      return;
    }
    case "delete": {
      const postId = postAt(model, command.post);
      if (postId === undefined) return;
      const post = findPost(model, postId);
      const user = command.by === null ? (post?.authorId ?? model.users[0]!.id) : userAt(model, command.by);
      const codes = deleteErrors(model, user, postId);
      if (codes.length === 0 && isOrphanRepost(model, post!)) {
        // A repost of a deleted original is invisible everywhere; the engine may have deleted it with its original.
        const outcome = await settle(() => engine.deletePost(user, postId));
        if (!outcome.ok && !isRejection(outcome, ["NOT_FOUND"]))
          throw new Error(`${label}: ${describe(outcome.error)}`);
        post!.deleted = true;
        return;
      }
      const outcome = await perform(label, codes, () => engine.deletePost(user, postId));
      if (outcome.ok) post!.deleted = true;
      return;
    }
    case "like":
    case "unlike": {
      const user = userAt(model, command.user);
      const postId = postAt(model, command.post, (p) => p.repostOf === undefined);
      if (postId === undefined) return;
      if (command.kind === "like") {
        const outcome = await perform(label, interactionErrors(model, user, postId, false), () =>
          engine.like(user, postId),
        );
        if (outcome.ok) expect(outcome.value, label).toBe(applyLike(model, user, postId, seq, at));
        return;
      }
      const post = findPost(model, postId);
      const codes: RejectCode[] = findUser(model, user) === undefined || post === undefined ? ["NOT_FOUND"] : [];
      const outcome = await settle(() => engine.unlike(user, postId));
      if (codes.length === 0 && post!.deleted && isRejection(outcome, ["NOT_FOUND"])) return;
      const checked = await perform(label, codes, () => Promise.resolve(outcome).then(unwrap));
      if (checked.ok) expect(checked.value, label).toBe(applyUnlike(model, user, postId));
      return;
    }
    case "follow": {
      const [a, b] = [userAt(model, command.user), userAt(model, command.target)];
      const outcome = await perform(label, followErrors(model, a, b), () => engine.follow(a, b));
      if (outcome.ok) expect(outcome.value, label).toBe(applyFollow(model, a, b, seq, at));
      return;
    }
    case "unfollow":
    case "block":
    case "unblock": {
      const a = userAt(model, command.user);
      const b = otherUserAt(model, a, command.target);
      if (b === undefined) return;
      const call = { unfollow: engine.unfollow, block: engine.block, unblock: engine.unblock }[command.kind];
      const apply = { unfollow: applyUnfollow, block: applyBlock, unblock: applyUnblock }[command.kind];
      const outcome = await perform(label, pairErrors(model, a, b), () => call.call(engine, a, b));
      if (outcome.ok) expect(outcome.value, label).toBe(apply(model, a, b));
      return;
    }
    case "readHome": {
      const reader = userAt(model, command.user);
      if (findUser(model, reader) === undefined) {
        await perform(label, ["NOT_FOUND"], () => engine.homeTimeline(reader, { limit: command.limits[0]! }));
      } else if (world.exact) {
        await expectHomeExact(engine, model, reader, command.limits);
        await expectGraphOf(engine, model, reader);
      } else {
        const read = (limit: number, cursor: string | null) => engine.homeTimeline(reader, { limit, cursor });
        await expectSafeRead(read, command.limits, model, homeSafety(model, reader), `home of ${reader}`);
      }
      return;
    }
    case "readUser": {
      const author = userAt(model, command.author);
      const viewer = command.viewer === null ? undefined : userAt(model, command.viewer);
      const codes = userTimelineErrors(model, author, viewer);
      const viewerOption = viewer === undefined ? {} : { viewerId: viewer };
      if (codes.length > 0) {
        await perform(label, codes, () => engine.userTimeline(author, { limit: command.limits[0]!, ...viewerOption }));
      } else if (world.exact) {
        await expectUserExact(engine, model, author, viewer, command.limits);
      } else {
        const read = (limit: number, cursor: string | null) =>
          engine.userTimeline(author, { limit, cursor, ...viewerOption });
        await expectSafeRead(read, command.limits, model, userSafety(model, author, viewer), `user timeline ${label}`);
      }
      return;
    }
    case "readNotifications": {
      const reader = userAt(model, command.user);
      if (findUser(model, reader) === undefined) {
        await perform(label, ["NOT_FOUND"], () => engine.notifications(reader, { limit: command.limits[0]! }));
      } else if (world.exact) {
        await expectNotificationsExact(engine, model, reader, command.limits, world.windowMs);
      } else {
        await expectSafeNotifications(engine, model, reader, command.limits);
      }
      return;
    }
    case "markRead": {
      const reader = userAt(model, command.user);
      const codes: RejectCode[] = findUser(model, reader) === undefined ? ["NOT_FOUND"] : [];
      const outcome = await perform(label, codes, () => engine.markNotificationsRead(reader));
      if (outcome.ok) applyMarkRead(model, reader);
      return;
    }
    case "advance":
      clock.advance(command.ms);
      return;
    case "drain":
      await engine.drain();
      return;
    case "interleave":
      await interleave(world, command);
      return;
  }
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}

function expectNewest(model: Model, id: Id, label: string) {
  const newest = newestPostId(model);
  if (newest !== undefined)
    expect(compareIdValues(id, newest), `${label}: ids follow creation order`).toBeGreaterThan(0);
}

/** Counters and follow lists of `userId` match the model. */
async function expectGraphOf(engine: FeedEngine, model: Model, userId: Id) {
  const user = await engine.getUser(userId);
  const counters = expectedCounters(model, userId);
  expect({ followers: user.followers, following: user.following }, `counters of ${userId}`).toEqual({
    followers: counters.followers,
    following: counters.following,
  });
  expect(user.posts, `posts counter of ${userId}`).toBeGreaterThanOrEqual(counters.postsMin);
  expect(user.posts, `posts counter of ${userId}`).toBeLessThanOrEqual(counters.postsMax);
  const followers = (await engine.followers(userId, { limit: 1000 })).ids;
  const following = (await engine.following(userId, { limit: 1000 })).ids;
  const sorted = (ids: Id[]) => [...ids].sort(compareIdValues);
  expect(sorted(followers), `followers of ${userId}`).toEqual(
    sorted(model.follows.filter((f) => f.followeeId === userId).map((f) => f.followerId)),
  );
  expect(sorted(following), `following of ${userId}`).toEqual(
    sorted(model.follows.filter((f) => f.followerId === userId).map((f) => f.followeeId)),
  );
}

/** Page 1, then a new post or repost, then page 2 from page 1's cursor: no overlap, page 2 strictly older. */
async function interleave(world: World, command: Extract<Command, { kind: "interleave" }>) {
  const { engine, model } = world;
  const reader = userAt(model, command.user);
  if (findUser(model, reader) === undefined) return;
  const label = `interleaved home of ${reader}`;
  const seen = { contents: new Set<Id>() } as { lastId?: Id; contents: Set<Id> };
  const first = await engine.homeTimeline(reader, { limit: command.firstLimit });
  expectSafeItems(model, first.items, homeSafety(model, reader), seen, `${label}: page 1`);
  await step(
    world,
    command.repost === null
      ? { kind: "post", user: command.actor, text: "interleaved @ann", replyTo: null }
      : { kind: "repost", user: command.actor, post: command.repost },
  );
  if (first.nextCursor === null) return;
  const second = await engine.homeTimeline(reader, { limit: command.secondLimit, cursor: first.nextCursor });
  expectSafeItems(model, second.items, homeSafety(model, reader), seen, `${label}: page 2`);
}

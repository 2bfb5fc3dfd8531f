/**
 * Random commands for the model-based property tests. Users and posts are referred to by small indexes that the
 * runner maps onto what exists (modulo the count), so that interactions are dense; -1 means an unknown id.
 */
import fc from "fast-check";

/** Handles that may be registered; the first `initialUsers` are registered before the commands run. */
export const HANDLES = ["ann", "Bob", "cy_3", "DEE", "ed_9", "Flo", "gus"] as const;

/** A user by index into the registered users (modulo their count); -1 is an unknown id. */
export type UserRef = number;
/** A post by index into every post made so far, deleted ones included (modulo their count); -1 is an unknown id. */
export type PostRef = number;

/** One step of a run. */
export type Command =
  | { kind: "register"; handle: number; caseMask: number }
  | { kind: "post"; user: UserRef; text: string; replyTo: PostRef | null }
  | { kind: "repost"; user: UserRef; post: PostRef }
  | { kind: "delete"; post: PostRef; by: UserRef | null }
  | { kind: "follow" | "unfollow" | "block" | "unblock"; user: UserRef; target: UserRef }
  | { kind: "like" | "unlike"; user: UserRef; post: PostRef }
  | { kind: "readHome"; user: UserRef; limits: number[] }
  | { kind: "readUser"; author: UserRef; viewer: UserRef | null; limits: number[] }
  | { kind: "readNotifications"; user: UserRef; limits: number[] }
  | { kind: "markRead"; user: UserRef }
  | { kind: "advance"; ms: number }
  | { kind: "drain" }
  | {
      kind: "interleave";
      user: UserRef;
      firstLimit: number;
      secondLimit: number;
      actor: UserRef;
      repost: PostRef | null;
    };

/** Upper-cases the letters of `text` whose bit is set in `mask`. */
export function withCase(text: string, mask: number): string {
  return [...text].map((c, i) => ((mask >> i) & 1 ? c.toUpperCase() : c.toLowerCase())).join("");
}

const userRef: fc.Arbitrary<UserRef> = fc.oneof(
  { weight: 40, arbitrary: fc.nat(6) },
  { weight: 1, arbitrary: fc.constant(-1) },
);
const postRef: fc.Arbitrary<PostRef> = fc.oneof(
  { weight: 40, arbitrary: fc.nat(40) },
  { weight: 1, arbitrary: fc.constant(-1) },
);
const limits = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 });

const word = fc.constantFrom("hi", "so", "news", "ok", "#tag", "🙂", "日本", "e\u0301");
const knownMention = fc
  .record({ handle: fc.nat(HANDLES.length - 1), mask: fc.nat(255), tail: fc.constantFrom("", ",", "!") })
  .map(({ handle, mask, tail }) => `@${withCase(HANDLES[handle]!, mask)}${tail}`);
const unknownMention = fc.constantFrom("@zed", "@nobody", "@ann_x", "@Bob2");
const pad = fc.constantFrom("", " ", "  ");

/** Post text: words with known and unknown mentions, sometimes padded; rarely blank (a `VALIDATION` error). */
export const postText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc
      .tuple(
        pad,
        fc.array(fc.oneof({ weight: 4, arbitrary: word }, knownMention, unknownMention), {
          minLength: 1,
          maxLength: 4,
        }),
        pad,
      )
      .map(([before, tokens, after]) => `${before}${tokens.join(" ")}${after}`),
  },
  { weight: 1, arbitrary: fc.constantFrom("", "   ", "\n\t") },
);

const advanceMs = fc.oneof(
  fc.integer({ min: 1, max: 60_000 }),
  fc.integer({ min: 60_000, max: 6 * 3_600_000 }),
  fc.integer({ min: 6 * 3_600_000, max: 3 * 86_400_000 }),
);

const pair = <K extends "follow" | "unfollow" | "block" | "unblock">(kind: K) =>
  fc.record({ kind: fc.constant(kind), user: userRef, target: userRef });

/** Commands that write or read, with the weights of a dense social graph. */
const baseCommands: fc.WeightedArbitrary<Command>[] = [
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("register"), handle: fc.nat(HANDLES.length - 1), caseMask: fc.nat(255) }),
  },
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant("post"),
      user: userRef,
      text: postText,
      replyTo: fc.option(postRef, { freq: 3, nil: null }),
    }),
  },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant("repost"), user: userRef, post: postRef }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("delete"),
      post: postRef,
      by: fc.option(userRef, { freq: 4, nil: null }),
    }),
  },
  { weight: 6, arbitrary: pair("follow") },
  { weight: 2, arbitrary: pair("unfollow") },
  { weight: 2, arbitrary: pair("block") },
  { weight: 2, arbitrary: pair("unblock") },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("like"), user: userRef, post: postRef }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("unlike"), user: userRef, post: postRef }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("readHome"), user: userRef, limits }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("readUser"),
      author: userRef,
      viewer: fc.option(userRef, { nil: null }),
      limits,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("readNotifications"), user: userRef, limits }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("markRead"), user: userRef }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("advance"), ms: advanceMs }) },
];

/** Extra commands for the run that does not drain after every write. */
const undrainedCommands: fc.WeightedArbitrary<Command>[] = [
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("drain") }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("interleave"),
      user: userRef,
      firstLimit: fc.integer({ min: 1, max: 7 }),
      secondLimit: fc.integer({ min: 1, max: 7 }),
      actor: userRef,
      repost: fc.option(postRef, { nil: null }),
    }),
  },
];

/** A run: how many of {@link HANDLES} start registered, the follows made first, and the commands. */
export interface Scenario {
  initialUsers: number;
  /** Follows made before the commands, so that timelines fill from the start: [follower, offset to followee]. */
  initialFollows: [number, number][];
  commands: Command[];
}

/** Scenarios for the drained property (`undrained` false) or the safety property (`undrained` true). */
export function scenarios(options: { undrained: boolean; maxCommands: number }): fc.Arbitrary<Scenario> {
  const command = fc.oneof(...baseCommands, ...(options.undrained ? undrainedCommands : []));
  return fc.record({
    initialUsers: fc.integer({ min: 3, max: 6 }),
    initialFollows: fc.array(fc.tuple(fc.nat(5), fc.nat(5)), { maxLength: 15 }),
    commands: fc.array(command, { maxLength: options.maxCommands, size: "max" }),
  });
}

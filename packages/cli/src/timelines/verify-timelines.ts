import { compareIds, type FeedEngine, type PostId, snowflakeTime, type UserId } from "@feed-engine/core";
import pLimit from "p-limit";
import type { UserIdLister } from "../backends/backend-driver.js";
import { CliError } from "../errors/cli-error.js";
import type { ProgressSink } from "../output/progress.js";
import { mulberry32 } from "../random/mulberry32.js";
import { rebuildUsers } from "./rebuild-timelines.js";

/** How one materialized timeline compares with the source of truth. */
export type TimelineCheck =
  | { userId: UserId; status: "ok"; compared: number }
  | { userId: UserId; status: "drifted"; compared: number; missing: PostId[]; extra: PostId[] }
  /** Absent or incomplete: the next read rebuilds it, so it cannot serve a wrong page. */
  | { userId: UserId; status: "cold" }
  /** The reader counts as inactive: fan-out skips them and their next read rebuilds the timeline first. */
  | { userId: UserId; status: "inactive" };

/**
 * Compares one user's materialized timeline with the pull oracle: what the source of truth says it must hold.
 *
 * Above the timeline's floor (and within the newest `cap + 1` entries of the reader's circle), every live post of a
 * followed author that fan-out pushes (not a pulled author, not the reader's own: reads merge those in) must be in the
 * timeline, else it is **missing**: a read would skip it. An entry that is no live post of someone the reader follows
 * (or the reader's own) is **extra**: reads filter it out, but it shows a write that went wrong or a clean-up that did
 * not run. Entries newer than `graceMs` are left out of both, since their fan-out may still be under way.
 */
export async function checkTimeline(
  engine: FeedEngine,
  userId: UserId,
  o: { now: number; graceMs: number },
): Promise<TimelineCheck> {
  const { timelines, graph, users, posts, activity } = engine.stores;
  const limit = timelines.cap + 1;
  const [slice, [lastSeen], followees] = await Promise.all([
    timelines.read(userId, { limit }),
    activity.lastSeen([userId]),
    graph.followeeIds(userId),
  ]);
  if (slice === null) return { userId, status: "cold" };
  if (engine.policy.isInactive(lastSeen, o.now)) return { userId, status: "inactive" };
  const pulled = new Set(await users.pulledAmong(followees));
  const pushed = followees.filter((id) => !pulled.has(id));
  const circle = await posts.byAuthors([...followees, userId], { after: slice.floor, limit });
  // Compare only where both sides are complete: above the floor, and above the oldest entry the oracle returned
  // when it returned a full window.
  const boundary = circle.length === limit ? circle[limit - 1]! : slice.floor;
  const expected = pushed.length === 0 ? [] : await posts.byAuthors(pushed, { after: boundary, limit });
  const settled = (id: PostId): boolean => compareIds(id, boundary) > 0 && snowflakeTime(id) <= o.now - o.graceMs;
  const held = new Set(slice.ids.filter(settled));
  const known = new Set(circle);
  const missing = expected.filter((id) => settled(id) && !held.has(id));
  const extra = [...held].filter((id) => !known.has(id));
  const compared = held.size;
  if (missing.length === 0 && extra.length === 0) return { userId, status: "ok", compared };
  return { userId, status: "drifted", compared, missing, extra };
}

/**
 * Up to `n` user ids chosen uniformly at random (reservoir sampling over one keyset walk), in id order. The same seed
 * over the same users gives the same sample.
 */
export async function sampleUsers(lister: UserIdLister, n: number, seed: number): Promise<UserId[]> {
  const random = mulberry32(seed);
  const reservoir: UserId[] = [];
  let seen = 0;
  let after: UserId | undefined;
  for (;;) {
    const page = await lister.page(after, 10_000);
    for (const id of page) {
      seen++;
      if (reservoir.length < n) reservoir.push(id);
      else {
        const j = Math.floor(random() * seen);
        if (j < n) reservoir[j] = id;
      }
    }
    if (page.length < 10_000) break;
    after = page.at(-1);
  }
  return reservoir.sort(compareIds);
}

/** Options of {@link verifyTimelines}. */
export interface VerifyOptions {
  /** Users to check; otherwise a random sample of `sample` users. */
  users?: readonly UserId[] | undefined;
  sample: number;
  seed: number;
  /** Entries younger than this are not judged (their fan-out may be in flight). */
  graceSeconds: number;
  /** Drop and rebuild every drifted timeline. */
  repair: boolean;
  /** Checks in flight. Default 8. */
  concurrency?: number | undefined;
  /** The time to judge inactivity and grace against. Default now. */
  now?: number | undefined;
}

/** What `verify` found (and repaired). */
export interface VerifyResult {
  /** Users looked at. */
  sampled: number;
  /** Of those, timelines compared with the oracle (complete, reader active). */
  checked: number;
  ok: number;
  drifted: number;
  /** Absent or incomplete timelines: rebuilt on their next read, not drift. */
  cold: number;
  /** Readers counted inactive: rebuilt on their next read, not drift. */
  inactive: number;
  missingEntries: number;
  extraEntries: number;
  /** Entries compared in all. */
  comparedEntries: number;
  /** Each drifted user, with up to 5 missing and 5 extra ids. */
  drifts: Array<{ userId: UserId; missing: number; extra: number; missingIds: PostId[]; extraIds: PostId[] }>;
  /** Drifted timelines rebuilt by `--repair` (and found clean when checked again). */
  repaired: number;
  seed: number;
  graceSeconds: number;
}

/**
 * Samples users, compares each materialized timeline with the pull oracle ({@link checkTimeline}) and reports drift;
 * with `repair`, drops and rebuilds each drifted timeline from the source of truth and checks it again.
 */
export async function verifyTimelines(
  engine: FeedEngine,
  lister: UserIdLister | undefined,
  options: VerifyOptions,
  progress: ProgressSink,
): Promise<VerifyResult> {
  if (engine.stores.timelines.capabilities.materializes === false) {
    throw new CliError("the timeline store is none: (pull-only): nothing is materialized, so nothing can drift");
  }
  let users = options.users;
  if (users === undefined) {
    if (lister === undefined)
      throw new CliError(
        "verify samples users of the source of truth, which this source cannot list; name users instead",
      );
    progress.start("Sampling users", 0, "users");
    users = await sampleUsers(lister, options.sample, options.seed);
    progress.end(`${users.length.toLocaleString("en-US")} users (seed ${options.seed})`);
  }
  const at = { now: options.now ?? Date.now(), graceMs: options.graceSeconds * 1000 };
  const limit = pLimit(options.concurrency ?? 8);
  let done = 0;
  progress.start("Verifying timelines", users.length, "users");
  const checks = await Promise.all(
    users.map((id) =>
      limit(async () => {
        const check = await checkTimeline(engine, id, at);
        progress.update(++done);
        return check;
      }),
    ),
  );
  progress.end();

  const drifted = checks.filter((c) => c.status === "drifted");
  let repaired = 0;
  if (options.repair && drifted.length > 0) {
    const ids = drifted.map((c) => c.userId);
    progress.start("Repairing timelines", ids.length, "users");
    let rebuilt = 0;
    await rebuildUsers(engine, ids, {
      drop: true,
      concurrency: options.concurrency ?? 8,
      onDone: () => progress.update(++rebuilt),
    });
    progress.end();
    for (const id of ids) if ((await checkTimeline(engine, id, at)).status !== "drifted") repaired++;
  }
  const count = (status: TimelineCheck["status"]) => checks.filter((c) => c.status === status).length;
  return {
    sampled: users.length,
    checked: count("ok") + drifted.length,
    ok: count("ok"),
    drifted: drifted.length,
    cold: count("cold"),
    inactive: count("inactive"),
    missingEntries: drifted.reduce((n, c) => n + c.missing.length, 0),
    extraEntries: drifted.reduce((n, c) => n + c.extra.length, 0),
    comparedEntries: checks.reduce((n, c) => n + ("compared" in c ? c.compared : 0), 0),
    drifts: drifted.map((c) => ({
      userId: c.userId,
      missing: c.missing.length,
      extra: c.extra.length,
      missingIds: c.missing.slice(0, 5),
      extraIds: c.extra.slice(0, 5),
    })),
    repaired,
    seed: options.seed,
    graceSeconds: options.graceSeconds,
  };
}

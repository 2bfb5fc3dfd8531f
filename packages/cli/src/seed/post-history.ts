import { ManualClock, type PostRecord, Snowflake, type UserId } from "@feed-engine/core";
import { mulberry32 } from "../random/mulberry32.js";

/** Options of {@link postHistory}. */
export interface PostHistoryOptions {
  /** Authors; each posts `perUser` times. */
  userIds: readonly UserId[];
  perUser: number;
  /** Posts are spread evenly over this many days before `now`. */
  historyDays: number;
  now: number;
  seed: number;
}

/** Snowflake worker id of seeded posts: apart from the engine's default (0), so ids never collide with live ones. */
export const SEED_WORKER_ID = 1023;
const DAY_MS = 86_400_000;
const WORDS = (
  "the a timeline home feed post reply follow read today this that what why how hello world news sport music " +
  "coffee morning night weekend city team game launch build ship release photo trip rain sun"
).split(" ");

/** 4-20 words, 20-130 characters: about what a post holds. */
function text(random: () => number): string {
  const words: string[] = [];
  const count = 4 + Math.floor(random() * 17);
  for (let i = 0; i < count; i++) words.push(WORDS[Math.floor(random() * WORDS.length)]!);
  return words.join(" ");
}

/**
 * A seeded post history, in id (= time) order: `perUser` rounds in which every user, in a shuffled order, posts once,
 * spread evenly over the `historyDays` before `now`, with Snowflake ids made at those times. Plain posts (no replies,
 * reposts or mentions). Lazy, so millions of posts never sit in memory at once.
 */
export function* postHistory(o: PostHistoryOptions): Generator<PostRecord> {
  const random = mulberry32(o.seed);
  const first = o.now - o.historyDays * DAY_MS;
  const clock = new ManualClock(first);
  const ids = new Snowflake({ workerId: SEED_WORKER_ID, clock });
  const total = o.perUser * o.userIds.length;
  const step = total > 0 ? (o.historyDays * DAY_MS) / total : 0;
  const order = [...o.userIds];
  let n = 0;
  for (let round = 0; round < o.perUser; round++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const authorId of order) {
      const at = Math.floor(first + n++ * step);
      // Never backwards: the generator's own sequence handles many posts in one millisecond.
      if (at > clock.now()) clock.set(at);
      yield {
        id: ids.next(),
        authorId,
        text: text(random),
        createdAt: clock.now(),
        mentions: [],
        media: [],
        deleted: false,
      };
    }
  }
}

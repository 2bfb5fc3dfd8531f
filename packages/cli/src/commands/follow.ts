import { Command } from "commander";
import { type OpenedFeed, withFeed } from "../backends/open-feed.js";
import { addBackendOptions, type BackendFlags, configFromFlags } from "../config/backend-options.js";
import { writeResult } from "../output/write-result.js";
import { resolveUser, showUser } from "../users/resolve-user.js";

/** Options of {@link runFollow}. */
export interface FollowOptions {
  follower: string;
  followee: string;
  /** Unfollow instead. */
  undo?: boolean | undefined;
}

/** What `feed-engine follow` returns. */
export interface FollowResult {
  action: "follow" | "unfollow";
  follower: { id: string; handle: string };
  followee: { id: string; handle: string };
  /** False when nothing changed (already following, or not following). */
  changed: boolean;
}

/**
 * Follows (or with `undo`, unfollows). With the in-process bus the follow's backfill (or the unfollow's clean-up) of
 * the follower's timeline runs before this returns.
 */
export async function runFollow(feed: OpenedFeed, options: FollowOptions): Promise<FollowResult> {
  const { engine } = feed;
  const follower = await resolveUser(engine, options.follower);
  const followee = await resolveUser(engine, options.followee);
  const action = options.undo ? "unfollow" : "follow";
  const changed =
    action === "follow"
      ? await engine.follow(follower.id, followee.id)
      : await engine.unfollow(follower.id, followee.id);
  if (feed.inProcessBus) await engine.drain();
  return {
    action,
    follower: { id: follower.id, handle: follower.handle },
    followee: { id: followee.id, handle: followee.handle },
    changed,
  };
}

/** The result as one line. */
export function formatFollow(r: FollowResult): string {
  const a = showUser(r.follower);
  const b = showUser(r.followee);
  if (r.action === "follow") return r.changed ? `${a} now follows ${b}` : `${a} already follows ${b} (nothing changed)`;
  return r.changed ? `${a} no longer follows ${b}` : `${a} did not follow ${b} (nothing changed)`;
}

const EXAMPLES = `
Examples:
  $ feed-engine follow @u12 @u7 --source postgres://app@db/app --timelines redis://cache:6379
  $ feed-engine follow @u12 @u7 --undo            unfollow
  $ feed-engine follow 813286 15913 --json
`;

/** `feed-engine follow <follower> <followee> [--undo]`. */
export function followCommand(): Command {
  const command = new Command("follow")
    .description("make a user follow (or, with --undo, unfollow) another")
    .argument("<follower>", "user id or @handle")
    .argument("<followee>", "user id or @handle")
    .option("--undo", "unfollow instead")
    .option("--json", "print the result as JSON");
  return addBackendOptions(command, ["timelines", "policy", "bus"])
    .addHelpText("after", EXAMPLES)
    .action(async (follower: string, followee: string, opts: BackendFlags & { undo?: boolean; json?: boolean }) => {
      const config = await configFromFlags(opts);
      const result = await withFeed(config, {}, (feed) => runFollow(feed, { follower, followee, undo: opts.undo }));
      writeResult(result, opts.json, formatFollow);
    });
}

import type { Post, UserId } from "@feed-engine/core";
import { Command, Option } from "commander";
import { type OpenedFeed, withFeed } from "../backends/open-feed.js";
import { addBackendOptions, type BackendFlags, configFromFlags } from "../config/backend-options.js";
import { writeResult } from "../output/write-result.js";
import { resolveUser, showUser } from "../users/resolve-user.js";
import { integerOption } from "./option-parsers.js";

/** Options of {@link runTimeline}. */
export interface TimelineOptions {
  /** The reader: a user id or `@handle`. */
  user: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string | undefined;
  /** Items per page, 1-100. Default 20. */
  limit?: number | undefined;
}

/** One item of a printed timeline: the post with its author's handle, and who reposted it. */
export interface TimelineEntry {
  /** The entry's id (the repost's, for a repost). */
  id: string;
  post: Post & { authorHandle: string | null };
  repostedBy?: { id: UserId; handle: string | null };
}

/** What `feed-engine timeline` returns. */
export interface TimelineResult {
  user: { id: UserId; handle: string };
  items: TimelineEntry[];
  nextCursor: string | null;
}

/** Reads one page of a user's home timeline, exactly as the engine serves it, with authors' handles. */
export async function runTimeline(feed: OpenedFeed, options: TimelineOptions): Promise<TimelineResult> {
  const { engine, stores } = feed;
  const user = await resolveUser(engine, options.user);
  const page = await engine.homeTimeline(user.id, {
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
  });
  const ids = [
    ...new Set(page.items.flatMap((item) => [item.post.authorId, ...(item.repostedBy ? [item.repostedBy] : [])])),
  ];
  const found = await stores.users.getMany(ids);
  const handles = new Map(ids.map((id, i) => [id, found[i]?.handle ?? null]));
  return {
    user: { id: user.id, handle: user.handle },
    items: page.items.map((item) => ({
      id: item.id,
      post: { ...item.post, authorHandle: handles.get(item.post.authorId) ?? null },
      ...(item.repostedBy ? { repostedBy: { id: item.repostedBy, handle: handles.get(item.repostedBy) ?? null } } : {}),
    })),
    nextCursor: page.nextCursor,
  };
}

const at = (ms: number): string => new Date(ms).toISOString().replace("T", " ").slice(0, 19);
const who = (handle: string | null, id: string): string => (handle === null ? id : `@${handle}`);

/** The page as text: one line per item, newest first, then how to read the next page. */
export function formatTimeline(result: TimelineResult): string {
  const lines = [`Home timeline of ${showUser(result.user)}, newest first:`];
  if (result.items.length === 0) lines.push("  (nothing here)");
  for (const item of result.items) {
    const { post } = item;
    const reposted = item.repostedBy ? `${who(item.repostedBy.handle, item.repostedBy.id)} reposted ` : "";
    const text = post.text.replace(/\s+/g, " ");
    lines.push(`  ${at(post.createdAt)}  ${reposted}${who(post.authorHandle, post.authorId)}: ${text}  [${item.id}]`);
  }
  lines.push(
    result.nextCursor === null
      ? "(end of the timeline)"
      : `next page: feed-engine timeline ${result.user.id} --cursor ${result.nextCursor}`,
  );
  return lines.join("\n");
}

const EXAMPLES = `
Examples:
  $ feed-engine timeline @u12 --source postgres://app@db/app --timelines redis://cache:6379
  $ feed-engine timeline 813286 --limit 50 --json
  $ feed-engine timeline @u12 --cursor eyJ...        the page after the one that printed this cursor
`;

/** `feed-engine timeline <user>`: one page of a home timeline. */
export function timelineCommand(): Command {
  const command = new Command("timeline")
    .description("print a page of a user's home timeline, as the engine serves it")
    .argument("<user>", "user id or @handle")
    .option("--cursor <cursor>", "the cursor a previous page printed (reads the next, older page)")
    .addOption(new Option("--limit <n>", "items per page").argParser(integerOption(1, 100)).default(20))
    .option("--json", "print the page as JSON");
  return addBackendOptions(command, ["timelines", "policy"])
    .addHelpText("after", EXAMPLES)
    .action(async (user: string, opts: BackendFlags & { cursor?: string; limit: number; json?: boolean }) => {
      const config = await configFromFlags(opts);
      const result = await withFeed(config, { runWorkers: false }, (feed) =>
        runTimeline(feed, { user, cursor: opts.cursor, limit: opts.limit }),
      );
      writeResult(result, opts.json, formatTimeline);
    });
}

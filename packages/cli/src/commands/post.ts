import type { FanoutReport, Post } from "@feed-engine/core";
import { Command } from "commander";
import { type OpenedFeed, withFeed } from "../backends/open-feed.js";
import { addBackendOptions, type BackendFlags, configFromFlags } from "../config/backend-options.js";
import { writeResult } from "../output/write-result.js";
import { resolveUser, showUser } from "../users/resolve-user.js";

/** Options of {@link runPost}. */
export interface PostOptions {
  /** The author: a user id or `@handle`. */
  user: string;
  text: string;
  /** Makes the post a reply to this post id. */
  replyTo?: string | undefined;
}

/** What `feed-engine post` returns. */
export interface PostResult {
  author: { id: string; handle: string };
  post: Post;
  /**
   * The fan-out of the post when it ran in this process (memory bus): push or pull, followers, timelines written.
   * `null` when workers elsewhere (Kafka) deliver it.
   */
  fanout: Pick<FanoutReport, "mode" | "followers" | "deliveries" | "skippedInactive"> | null;
}

/**
 * Publishes a post as the user. With the in-process bus the fan-out runs before this returns (and is reported);
 * with a bus whose workers run elsewhere, the post is stored and its event published, and the workers deliver it.
 */
export async function runPost(feed: OpenedFeed, options: PostOptions, reports: FanoutReport[]): Promise<PostResult> {
  const { engine } = feed;
  const author = await resolveUser(engine, options.user);
  const post = await engine.post(author.id, {
    text: options.text,
    ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
  });
  let fanout: PostResult["fanout"] = null;
  if (feed.inProcessBus) {
    await engine.drain();
    const report = reports.find((r) => r.postId === post.id);
    if (report) {
      const { mode, followers, deliveries, skippedInactive } = report;
      fanout = { mode, followers, deliveries, skippedInactive };
    }
  }
  return { author: { id: author.id, handle: author.handle }, post, fanout };
}

/** The result as text. */
export function formatPost(result: PostResult): string {
  const lines = [`posted ${result.post.id} as ${showUser(result.author)}`];
  const f = result.fanout;
  if (f === null) lines.push("fan-out: published to the bus; the fan-out workers deliver it");
  else if (f.mode === "pull")
    lines.push(`fan-out: pull (${f.followers.toLocaleString("en-US")} followers read it at read time)`);
  else {
    const skipped = f.skippedInactive > 0 ? `, ${f.skippedInactive.toLocaleString("en-US")} inactive skipped` : "";
    lines.push(
      `fan-out: ${f.mode}, ${f.deliveries.toLocaleString("en-US")} timelines of ${f.followers.toLocaleString("en-US")} followers${skipped}`,
    );
  }
  return lines.join("\n");
}

const EXAMPLES = `
Examples:
  $ feed-engine post @u12 "hello from the command line" --source postgres://app@db/app --timelines redis://cache:6379
  $ feed-engine post 813286 thanks, agreed --reply-to 7261534234234 --json
`;

/** `feed-engine post <user> <text...>`: publish a post by hand. */
export function postCommand(): Command {
  const command = new Command("post")
    .description("publish a post as a user (fan-out runs in this process with the memory: bus)")
    .argument("<user>", "author: user id or @handle")
    .argument("<text...>", "the text (words are joined with spaces; quote it to keep spacing)")
    .option("--reply-to <postId>", "make it a reply to this post")
    .option("--json", "print the post and its fan-out as JSON");
  return addBackendOptions(command, ["timelines", "policy", "bus"])
    .addHelpText("after", EXAMPLES)
    .action(async (user: string, words: string[], opts: BackendFlags & { replyTo?: string; json?: boolean }) => {
      const config = await configFromFlags(opts);
      const reports: FanoutReport[] = [];
      const result = await withFeed(config, { onFanout: (report) => reports.push(report) }, (feed) =>
        runPost(feed, { user, text: words.join(" "), replyTo: opts.replyTo }, reports),
      );
      writeResult(result, opts.json, formatPost);
    });
}

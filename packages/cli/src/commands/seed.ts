import { Command, Option } from "commander";
import { withFeed } from "../backends/open-feed.js";
import { addBackendOptions, type BackendFlags, configFromFlags } from "../config/backend-options.js";
import { CliError } from "../errors/cli-error.js";
import type { Progress } from "../output/progress.js";
import { writeResult } from "../output/write-result.js";
import { runSeed, type SeedReport } from "../seed/run-seed.js";
import { integerOption } from "./option-parsers.js";

const int = (n: number): string => Math.round(n).toLocaleString("en-US");

/** The report as a table. */
export function formatSeed(r: SeedReport): string {
  const g = r.graph;
  const graph =
    g.kind === "file"
      ? `${g.path} (${int(g.lines)} lines; ${int(g.selfLoops)} self-follows and ${int(g.badLines)} malformed lines skipped)`
      : `synthetic, seed ${g.seed}: ${int(g.users)} users, celebrities with ${g.celebrityFollowers.map(int).join(", ") || "no"} followers`;
  const counts = (x: SeedReport["users"]) =>
    `${int(x.imported)} new, ${int(x.existing)} already there, ${int(x.rejected)} rejected (of ${int(x.inGraph)})`;
  const timelines = {
    built:
      r.timelines.method === "computed"
        ? `${int(r.timelines.users)} built (computed from the seeded graph and posts, as a rebuild would make them)`
        : `${int(r.timelines.users)} rebuilt from the source of truth`,
    dropped: `${int(r.timelines.users)} dropped; each is rebuilt on its first read`,
    none: "none materialized (pull-only store)",
  }[r.timelines.mode];
  const lines = [
    `Source of truth   ${r.backends.source}`,
    `Timelines         ${r.backends.timelines}`,
    `Graph             ${graph}`,
    `Users             ${counts(r.users)}`,
    `Follows           ${counts(r.follows)}`,
    `Posts             ${int(r.posts.created)} (${r.posts.perUser} per user over ${r.posts.historyDays} days)`,
    `Pulled authors    ${int(r.pulledAuthors)}`,
    `Timelines         ${timelines}`,
    "Phases",
    ...r.phases.map(
      (p) =>
        `  ${p.name.padEnd(18)} ${p.seconds.toFixed(1).padStart(7)}s  ${int(p.count).padStart(11)}  ${int(p.perSecond).padStart(9)}/s`,
    ),
    `Total             ${r.totalSeconds.toFixed(1)}s`,
  ];
  return lines.join("\n");
}

const EXAMPLES = `
Examples:
  $ feed-engine seed ../shared/datasets/ego-twitter/twitter_combined.txt.gz \\
      --source postgres://postgres@127.0.0.1:5432/feed --timelines redis://127.0.0.1:6379 --posts-per-user 5
  $ feed-engine seed --synthetic --users 1000000 --celebrities 3 --source postgres://... --timelines redis://...
                                          celebrities followed by 950k, 900k and 850k users
  $ feed-engine seed edges.txt --strict --json       stop at the first malformed line; the summary as JSON
  $ feed-engine seed --synthetic --users 20000 --source memory:     a dry run in this process

The edge list is SNAP's format: "A B" per line means user A follows user B (gzip or plain; # and % lines are
comments). Users get the handle u<id> (so @u813286 is user 813286). Users and follows already there are skipped;
posts are added on every run. Every seeded user is recorded as seen now, and their timelines are rebuilt from the
source of truth (what fan-out would have written; computed in this process when every user is new), or with
--lazy-timelines dropped, to be rebuilt on first read.
`;

interface SeedFlags extends BackendFlags {
  synthetic?: boolean;
  users: number;
  celebrities: number;
  seed: number;
  strict?: boolean;
  postsPerUser: number;
  historyDays: number;
  lazyTimelines?: boolean;
  concurrency: number;
  json?: boolean;
}

/** `feed-engine seed [edge-list]`: load a follow graph (and posts) into the configured backends. */
export function seedCommand(progress: Progress): Command {
  const command = new Command("seed")
    .description(
      "load a follow graph (a SNAP edge list, or a synthetic one with celebrities) and posts into the backends",
    )
    .argument("[edge-list]", "SNAP edge list file (gzip or plain)")
    .option("--synthetic", "generate a seeded power-law graph with celebrities instead of reading a file")
    .addOption(new Option("--users <n>", "synthetic: users").argParser(integerOption(10, 50_000_000)).default(100_000))
    .addOption(
      new Option("--celebrities <n>", "synthetic: celebrities (followed by 95%, 90%, ... of users)")
        .argParser(integerOption(0, 10))
        .default(3),
    )
    .addOption(
      new Option("--seed <n>", "PRNG seed (graph, post order and texts)")
        .argParser(integerOption(0, 2 ** 32 - 1))
        .default(42),
    )
    .option("--strict", "stop at the first malformed line instead of counting it")
    .addOption(new Option("--posts-per-user <n>", "posts per user").argParser(integerOption(0, 10_000)).default(0))
    .addOption(
      new Option("--history-days <n>", "days the posts are spread over").argParser(integerOption(1, 3650)).default(7),
    )
    .option("--lazy-timelines", "drop the users' timelines instead of building them (rebuilt on first read)")
    .addOption(new Option("--concurrency <n>", "writes in flight").argParser(integerOption(1, 256)).default(8))
    .option("--json", "print the summary as JSON");
  return addBackendOptions(command, ["timelines", "policy"])
    .addHelpText("after", EXAMPLES)
    .action(async (file: string | undefined, opts: SeedFlags) => {
      if (file !== undefined && opts.synthetic)
        throw new CliError("seed takes an edge list file or --synthetic, not both");
      if (file === undefined && !opts.synthetic) {
        throw new CliError(
          "seed needs an edge list file (e.g. ../shared/datasets/ego-twitter/twitter_combined.txt.gz) or --synthetic",
        );
      }
      const config = await configFromFlags(opts);
      const report = await withFeed(config, { runWorkers: false }, (feed) =>
        runSeed(
          feed,
          {
            file,
            strict: opts.strict,
            synthetic: opts.synthetic
              ? { users: opts.users, celebrities: opts.celebrities, seed: opts.seed }
              : undefined,
            postsPerUser: opts.postsPerUser,
            historyDays: opts.historyDays,
            seed: opts.seed,
            lazyTimelines: opts.lazyTimelines,
            concurrency: opts.concurrency,
          },
          progress,
        ),
      );
      writeResult(report, opts.json, formatSeed);
    });
}

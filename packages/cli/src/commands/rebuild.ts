import { Command, Option } from "commander";
import { withFeed } from "../backends/open-feed.js";
import { addBackendOptions, type BackendFlags, configFromFlags } from "../config/backend-options.js";
import { CliError } from "../errors/cli-error.js";
import type { Progress } from "../output/progress.js";
import { writeResult } from "../output/write-result.js";
import { checkAfter, type RebuildResult, rebuildTimelines } from "../timelines/rebuild-timelines.js";
import { resolveUser } from "../users/resolve-user.js";
import { integerOption } from "./option-parsers.js";

/** The result as text. */
export function formatRebuild(r: RebuildResult): string {
  const how = r.dropped ? "dropped and rebuilt" : "rebuilt";
  const rate = r.perSecond > 0 ? `, ${Math.round(r.perSecond).toLocaleString("en-US")}/s` : "";
  const from = r.resumedAfter === null ? "" : ` (resumed after user ${r.resumedAfter})`;
  return `${how} ${r.rebuilt.toLocaleString("en-US")} timelines in ${r.seconds.toFixed(1)}s${rate}${from}`;
}

const EXAMPLES = `
Examples:
  $ feed-engine rebuild @u12 --source postgres://app@db/app --timelines redis://cache:6379
  $ feed-engine rebuild 813286 15913 --drop          drop first: also clears entries that should not be there
  $ feed-engine rebuild --all --checkpoint rebuild.json
                      every user in id order; after Ctrl-C or a failure, the same command resumes where it stopped
  $ feed-engine rebuild --all --after 5000000        start after user 5000000

A rebuild reads the newest entries of each user's timeline from the source of truth and merges them into the stored
timeline, so posts fanned out meanwhile are kept; it is safe while the system is serving traffic.
`;

interface RebuildFlags extends BackendFlags {
  all?: boolean;
  after?: string;
  checkpoint?: string;
  drop?: boolean;
  concurrency: number;
  json?: boolean;
}

/** `feed-engine rebuild <user...|--all>`: rebuild materialized timelines from the source of truth. */
export function rebuildCommand(progress: Progress): Command {
  const command = new Command("rebuild")
    .description("rebuild materialized home timelines from the source of truth (resumable with --all)")
    .argument("[users...]", "user ids or @handles")
    .option("--all", "every user, in id order")
    .option("--after <userId>", "--all: start after this user id")
    .option("--checkpoint <file>", "--all: resume from and save progress to this file (removed when done)")
    .option("--drop", "drop each timeline before rebuilding it")
    .addOption(new Option("--concurrency <n>", "rebuilds in flight").argParser(integerOption(1, 256)).default(8))
    .option("--json", "print the result as JSON");
  return addBackendOptions(command, ["timelines", "policy"])
    .addHelpText("after", EXAMPLES)
    .action(async (names: string[], opts: RebuildFlags) => {
      if (opts.all === true && names.length > 0) throw new CliError("rebuild takes users or --all, not both");
      if (opts.all !== true && names.length === 0) throw new CliError("rebuild needs users to rebuild, or --all");
      if (opts.all !== true && (opts.after !== undefined || opts.checkpoint !== undefined)) {
        throw new CliError("--after and --checkpoint go with --all");
      }
      const after = checkAfter(opts.after);
      const config = await configFromFlags(opts);
      const result = await withFeed(config, { runWorkers: false }, async (feed) => {
        const users =
          opts.all === true ? "all" : await Promise.all(names.map(async (n) => (await resolveUser(feed.engine, n)).id));
        return rebuildTimelines(
          feed.engine,
          feed.userIds,
          { users, after, checkpoint: opts.checkpoint, drop: opts.drop, concurrency: opts.concurrency },
          progress,
        );
      });
      writeResult(result, opts.json, formatRebuild);
    });
}

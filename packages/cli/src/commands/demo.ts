import { Command, Option } from "commander";
import { DEMO_DEFAULTS, type DemoOptions, runDemo } from "../demo/run-demo.js";
import { formatDemoReport } from "../output/format-demo-report.js";
import type { Progress } from "../output/progress.js";
import { integerOption, shareOption } from "./option-parsers.js";

/** Options of `feed-engine demo` as commander parses them. */
interface DemoCommandOptions extends Omit<DemoOptions, "progress" | "cwd" | "env"> {
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ feed-engine demo                               the ego-Twitter graph (81,306 users, 1.77M follows), 10,000 posts
  $ feed-engine demo --json > report.json          the same report as JSON (progress stays on stderr)
  $ feed-engine demo --synthetic                   100,000 users; 3 celebrities followed by 95/90/85% of them
  $ feed-engine demo --synthetic --users 20000 --posts 500 --seed 7
  $ feed-engine demo --threshold 500               pull every account with >= 500 followers
  $ feed-engine demo --dataset ./edges.txt.gz      any SNAP edge list ("A B": A follows B), gzip or plain

The dataset is looked for at ../shared/datasets/ego-twitter/twitter_combined.txt.gz relative to the current
directory and each of its parents, or at $FEED_ENGINE_DATASET. When it is missing, the demo says where it looked and
runs the synthetic graph.
`;

/** `feed-engine demo`: runs {@link runDemo} and prints its report as a table or, with `--json`, as JSON. */
export function demoCommand(progress: Progress): Command {
  return new Command("demo")
    .description(
      "Load a real (or synthetic) follow graph into the in-memory engine, replay posts and home timeline reads with " +
        "hybrid fan-out, and report fan-out cost vs push-all, read latency, fan-out lag and memory.",
    )
    .option("--dataset <path>", "SNAP edge list to load (default: the ego-Twitter dataset, searched for)")
    .option("--synthetic", "generate a seeded power-law graph with celebrities instead of reading a file")
    .addOption(
      new Option("--users <n>", "synthetic: users")
        .argParser(integerOption(10, 10_000_000))
        .default(DEMO_DEFAULTS.users),
    )
    .addOption(
      new Option("--celebrities <n>", "synthetic: celebrities (followed by 95%, 90%, ... of users)")
        .argParser(integerOption(0, 10))
        .default(DEMO_DEFAULTS.celebrities),
    )
    .addOption(new Option("--posts <n>", "posts to make").argParser(integerOption(1)).default(DEMO_DEFAULTS.posts))
    .addOption(
      new Option("--reads-per-post <n>", "home timeline reads after each post")
        .argParser(integerOption(0, 10_000))
        .default(DEMO_DEFAULTS.readsPerPost),
    )
    .addOption(
      new Option(
        "--threshold <n>",
        "followers at which an author is pulled, not pushed (default: auto, reported)",
      ).argParser(integerOption(1)),
    )
    .addOption(
      new Option("--inactive-share <share>", "share of users last seen 31-365 days ago (not pushed to)")
        .argParser(shareOption)
        .default(DEMO_DEFAULTS.inactiveShare),
    )
    .addOption(
      new Option("--seed <n>", "PRNG seed (graph, activity, workload)")
        .argParser(integerOption(0, 2 ** 32 - 1))
        .default(DEMO_DEFAULTS.seed),
    )
    .option("--json", "print the report as JSON on stdout")
    .addHelpText("after", EXAMPLES)
    .action(async (options: DemoCommandOptions) => {
      const { json, ...demoOptions } = options;
      const report = await runDemo({ ...demoOptions, progress });
      process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `\n${formatDemoReport(report)}\n`);
    });
}

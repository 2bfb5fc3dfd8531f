import { access, constants, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { Command, Option } from "commander";
import { withFeed } from "../backends/open-feed.js";
import { addBackendOptions, type BackendFlags, configFromFlags } from "../config/backend-options.js";
import { CliError } from "../errors/cli-error.js";
import { formatLoadTest } from "../load-test/format-load-test.js";
import { htmlReport } from "../load-test/html-report.js";
import { LiveLine } from "../load-test/live-line.js";
import { mixOption, rampOption, rateOption, secondsOption, skewOption } from "../load-test/load-test-options.js";
import { type LoadTestOptions, runLoadTest } from "../load-test/run-load-test.js";
import { DEFAULT_MIX, showMix, type WorkloadMix } from "../load-test/workload-mix.js";
import type { Progress } from "../output/progress.js";
import { writeResult } from "../output/write-result.js";
import { integerOption } from "./option-parsers.js";

/** Operations one schedule may hold (one byte each). */
const MAX_SCHEDULED = 100_000_000;

const EXAMPLES = `
Examples:
  $ feed-engine load-test --source memory: --rate 500 --duration 30
                           an in-process engine on a synthetic graph this run seeds first
  $ feed-engine load-test --source postgres://postgres@127.0.0.1:5432/feed --timelines redis://127.0.0.1:6379 \\
      --rate 200 --duration 60 --html report.html
  $ feed-engine load-test --ramp 50:2000 --duration 120 --max-outstanding 512 --json > ramp.json
  $ feed-engine load-test --mix read=50,post=30,like=20 --skew 0 --lag-samples 50

Open loop: operation i is due at a fixed time from the schedule and its latency is measured from then, so queueing
behind slow responses shows up instead of slowing the offered load (coordinated omission corrected). At most
--max-outstanding run at once; operations due beyond that wait in this process, still timed from when they were due,
and the report says SATURATED. Users come from the source of truth (seed it first with \`feed-engine seed\`), picked
with a Zipf skew; a memory: source is seeded with a synthetic graph of --memory-users users first. Posts, follows and
likes are really written. Mix operations: read (home timeline), profile (a user's posts), post, follow, like.
`;

interface LoadTestFlags extends BackendFlags {
  rate?: number;
  ramp?: { from: number; to: number };
  duration: number;
  warmup: number;
  maxOutstanding: number;
  mix: WorkloadMix;
  seed: number;
  skew: number;
  lagSamples: number;
  maxUsers: number;
  memoryUsers: number;
  drainTimeout: number;
  json?: boolean;
  html?: string;
}

/** `feed-engine load-test`: an open-loop, mixed-workload load test with a table, JSON or HTML report. */
export function loadTestCommand(progress: Progress): Command {
  const command = new Command("load-test")
    .description(
      "offer a mixed workload open-loop at a fixed or ramped rate and report latency, throughput and fan-out lag",
    )
    .addOption(
      new Option("--rate <ops>", "constant offered rate, operations per second (default 100)").argParser(rateOption),
    )
    .addOption(
      new Option("--ramp <from:to>", "offered rate rising (or falling) linearly over --duration, ops/s")
        .argParser(rampOption)
        .conflicts("rate"),
    )
    .addOption(new Option("--duration <s>", "measured seconds").argParser(secondsOption(1, 86_400)).default(60))
    .addOption(
      new Option("--warmup <s>", "seconds at the starting rate before measuring")
        .argParser(secondsOption(0, 3_600))
        .default(10),
    )
    .addOption(
      new Option("--max-outstanding <n>", "operations in flight at most; more is reported as saturation")
        .argParser(integerOption(1, 100_000))
        .default(256),
    )
    .addOption(
      new Option("--mix <weights>", "operation weights")
        .argParser(mixOption)
        .default(DEFAULT_MIX, showMix(DEFAULT_MIX)),
    )
    .addOption(
      new Option("--seed <n>", "PRNG seed (operations, users, posts)")
        .argParser(integerOption(0, 2 ** 32 - 1))
        .default(42),
    )
    .addOption(
      new Option("--skew <s>", "Zipf exponent of the choice of users (0 = uniform)")
        .argParser(skewOption)
        .default(0.99),
    )
    .addOption(
      new Option("--lag-samples <n>", "fan-out lag probes (post, then poll a follower's home timeline)")
        .argParser(integerOption(0, 10_000))
        .default(20),
    )
    .addOption(
      new Option("--max-users <n>", "users read from the source of truth at most")
        .argParser(integerOption(2, 50_000_000))
        .default(1_000_000),
    )
    .addOption(
      new Option("--memory-users <n>", "users of the synthetic graph seeded into a memory: source")
        .argParser(integerOption(10, 1_000_000))
        .default(10_000),
    )
    .addOption(
      new Option("--drain-timeout <s>", "after the schedule, seconds to wait for operations still queued or running")
        .argParser(secondsOption(0, 3_600))
        .default(10),
    )
    .option("--json", "print the report as JSON")
    .option("--html <file>", "also write the report as a self-contained HTML page (inline SVG charts)");
  return addBackendOptions(command, ["timelines", "bus"])
    .addHelpText("after", EXAMPLES)
    .action(async (opts: LoadTestFlags) => {
      const options: LoadTestOptions = {
        shape: opts.ramp ? { kind: "ramp", ...opts.ramp } : { kind: "constant", rate: opts.rate ?? 100 },
        warmupSeconds: opts.warmup,
        durationSeconds: opts.duration,
        maxOutstanding: opts.maxOutstanding,
        mix: opts.mix,
        seed: opts.seed,
        skew: opts.skew,
        lagSamples: opts.lagSamples,
        maxUsers: opts.maxUsers,
        memoryUsers: opts.memoryUsers,
        drainTimeoutMs: opts.drainTimeout * 1000,
      };
      const peak =
        options.shape.kind === "constant" ? options.shape.rate : Math.max(options.shape.from, options.shape.to);
      if (peak * (options.warmupSeconds + options.durationSeconds) > MAX_SCHEDULED) {
        throw new CliError(
          `the schedule would hold more than ${MAX_SCHEDULED.toLocaleString("en-US")} operations; lower --rate or --duration`,
        );
      }
      const html = opts.html === undefined ? undefined : resolve(opts.html);
      // Fail before the run, not after it.
      if (html !== undefined) {
        await access(dirname(html), constants.W_OK).catch(() => {
          throw new CliError(`--html: cannot write to the folder of ${html}; make it or pick another path`);
        });
      }
      const config = await configFromFlags(opts);
      const live = new LiveLine(process.stderr);
      const report = await withFeed(config, { runWorkers: true }, async (feed) => {
        try {
          return await runLoadTest(feed, options, progress, (status) => live.start(status));
        } finally {
          live.stop();
        }
      });
      if (html !== undefined) {
        await writeFile(html, htmlReport(report)).catch((error: NodeJS.ErrnoException) => {
          throw new CliError(`cannot write the HTML report to ${html} (${error.code ?? error.message})`);
        });
        process.stderr.write(`feed-engine: wrote the HTML report to ${html}\n`);
      }
      writeResult(report, opts.json, formatLoadTest);
    });
}

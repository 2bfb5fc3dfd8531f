import { Command, Option } from "commander";
import { withFeed } from "../backends/open-feed.js";
import { addBackendOptions, type BackendFlags, configFromFlags } from "../config/backend-options.js";
import { CliError } from "../errors/cli-error.js";
import type { Progress } from "../output/progress.js";
import { writeResult } from "../output/write-result.js";
import { type VerifyResult, verifyTimelines } from "../timelines/verify-timelines.js";
import { resolveUser } from "../users/resolve-user.js";
import { integerOption } from "./option-parsers.js";

const int = (n: number): string => n.toLocaleString("en-US");

/** The result as text. */
export function formatVerify(r: VerifyResult): string {
  const lines = [
    `Users sampled        ${int(r.sampled)} (seed ${r.seed})`,
    `Timelines checked    ${int(r.checked)} (${int(r.comparedEntries)} entries; entries newer than ${r.graceSeconds}s not judged)`,
    `Drifted              ${int(r.drifted)} (${int(r.missingEntries)} missing entries, ${int(r.extraEntries)} extra)`,
    `Cold                 ${int(r.cold)} absent or incomplete, rebuilt on their next read`,
    `Inactive             ${int(r.inactive)} readers, rebuilt on their next read`,
  ];
  for (const d of r.drifts.slice(0, 20)) {
    const missing = d.missing > 0 ? `missing ${int(d.missing)} (e.g. ${d.missingIds.join(", ")})` : "";
    const extra = d.extra > 0 ? `extra ${int(d.extra)} (e.g. ${d.extraIds.join(", ")})` : "";
    lines.push(`  user ${d.userId}: ${[missing, extra].filter(Boolean).join("; ")}`);
  }
  if (r.drifts.length > 20) lines.push(`  ... and ${int(r.drifts.length - 20)} more (--json lists them all)`);
  if (r.repaired > 0 || r.drifted > 0) lines.push(`Repaired             ${int(r.repaired)}`);
  return lines.join("\n");
}

const EXAMPLES = `
Examples:
  $ feed-engine verify --source postgres://app@db/app --timelines redis://cache:6379
  $ feed-engine verify --sample 10000 --seed 7 --json
  $ feed-engine verify --repair                      drop and rebuild every drifted timeline found
  $ feed-engine verify @u12 813286                   check these users only

For each user, the materialized timeline is compared with what the source of truth says it must hold above its
floor: "missing" entries would be skipped by reads; "extra" ones are filtered out by reads but show a write or a
clean-up that went wrong. Exits 1 when drift remains (after --repair, when it could not be repaired).
`;

interface VerifyFlags extends BackendFlags {
  sample: number;
  seed: number;
  grace: number;
  repair?: boolean;
  concurrency: number;
  json?: boolean;
}

/** `feed-engine verify`: compare sampled timelines with the pull oracle; `--repair` rebuilds drifted ones. */
export function verifyCommand(progress: Progress): Command {
  const command = new Command("verify")
    .description("compare materialized timelines of sampled users with the source of truth, report drift, --repair it")
    .argument("[users...]", "check these users (ids or @handles) instead of a sample")
    .addOption(new Option("--sample <n>", "users to sample").argParser(integerOption(1, 10_000_000)).default(1000))
    .addOption(new Option("--seed <n>", "sampling seed").argParser(integerOption(0, 2 ** 32 - 1)).default(42))
    .addOption(
      new Option("--grace <seconds>", "leave out entries younger than this (fan-out in flight)")
        .argParser(integerOption(0, 86_400))
        .default(10),
    )
    .option("--repair", "drop and rebuild drifted timelines from the source of truth")
    .addOption(new Option("--concurrency <n>", "checks in flight").argParser(integerOption(1, 256)).default(8))
    .option("--json", "print the result as JSON");
  return addBackendOptions(command, ["timelines", "policy"])
    .addHelpText("after", EXAMPLES)
    .action(async (names: string[], opts: VerifyFlags) => {
      const config = await configFromFlags(opts);
      const result = await withFeed(config, { runWorkers: false }, async (feed) => {
        const users =
          names.length === 0
            ? undefined
            : await Promise.all(names.map(async (n) => (await resolveUser(feed.engine, n)).id));
        return verifyTimelines(
          feed.engine,
          feed.userIds,
          {
            users,
            sample: opts.sample,
            seed: opts.seed,
            graceSeconds: opts.grace,
            repair: opts.repair === true,
            concurrency: opts.concurrency,
          },
          progress,
        );
      });
      writeResult(result, opts.json, formatVerify);
      const left = result.drifted - result.repaired;
      if (left > 0) {
        const what = opts.repair ? "could not be repaired" : "drifted; run again with --repair to rebuild them";
        throw new CliError(`${int(left)} of ${int(result.checked)} timelines checked ${what}`);
      }
    });
}

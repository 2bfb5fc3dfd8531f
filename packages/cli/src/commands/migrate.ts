import { Command } from "commander";
import type { BackendRole, MigrateOutcome } from "../backends/backend-driver.js";
import { driverFor } from "../backends/backend-registry.js";
import { requireSource } from "../backends/open-feed.js";
import { addBackendOptions, type BackendFlags, configFromFlags } from "../config/backend-options.js";
import type { BackendUrl } from "../config/backend-url.js";
import type { FeedConfig, Setting } from "../config/feed-config.js";
import { writeResult } from "../output/write-result.js";

/** What `feed-engine migrate` did, per backend that has a schema. */
export interface MigrateResult {
  migrated: Array<MigrateOutcome & { upToDate: boolean }>;
}

/**
 * Creates or updates the schema of the source of truth (and of the timeline store, when it has one), applying only
 * what is pending; harmless to run again, and from many processes at once.
 */
export async function runMigrate(config: FeedConfig): Promise<MigrateResult> {
  const source = requireSource(config);
  const targets: Array<{ role: BackendRole; setting: Setting<BackendUrl> }> = [{ role: "source", setting: source }];
  if (config.timelines !== undefined) targets.push({ role: "timelines" as const, setting: config.timelines });
  const migrated: MigrateResult["migrated"] = [];
  for (const { role, setting } of targets) {
    const driver = driverFor(setting.value.scheme, role);
    if (driver.migrate === undefined) continue;
    const outcome = await driver.migrate(setting.value, { config, setting });
    migrated.push({ ...outcome, upToDate: outcome.applied.length === 0 });
  }
  return { migrated };
}

/** The result as lines of text. */
export function formatMigrate(result: MigrateResult): string {
  return result.migrated
    .map((m) => (m.upToDate ? `${m.target} is up to date` : `${m.target}: applied ${m.applied.join(", ")}`))
    .join("\n");
}

const EXAMPLES = `
Examples:
  $ feed-engine migrate --source postgres://app@127.0.0.1:5432/app
  $ FEED_ENGINE_SOURCE=postgres://app@db/app feed-engine migrate --schema feed --json
  $ feed-engine migrate --config feed-engine.json
`;

/** `feed-engine migrate`: creates or updates the schema of the configured backends. */
export function migrateCommand(): Command {
  const command = new Command("migrate").description(
    "create or update the schema of the source of truth, and of the timeline store when it has one (idempotent; safe " +
      "to run from many processes at once)",
  );
  return addBackendOptions(command, ["timelines"])
    .option("--json", "print the result as JSON")
    .addHelpText("after", EXAMPLES)
    .action(async (opts: BackendFlags & { json?: boolean }) => {
      writeResult(await runMigrate(await configFromFlags(opts)), opts.json, formatMigrate);
    });
}

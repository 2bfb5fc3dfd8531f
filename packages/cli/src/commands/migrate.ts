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
 * Creates or updates the schema of the source of truth (a PostgreSQL schema, a Cassandra keyspace) and of the timeline
 * store when it has one (a Cassandra keyspace), applying only what is pending; harmless to run again. A backend named
 * twice (the same Cassandra keyspace for both) is migrated once.
 */
export async function runMigrate(config: FeedConfig): Promise<MigrateResult> {
  const source = requireSource(config);
  const targets: Array<{ role: BackendRole; setting: Setting<BackendUrl> }> = [{ role: "source", setting: source }];
  if (config.timelines !== undefined) targets.push({ role: "timelines" as const, setting: config.timelines });
  const migrated: MigrateResult["migrated"] = [];
  const seen = new Set<string>();
  for (const { role, setting } of targets) {
    const driver = driverFor(setting.value.scheme, role);
    if (driver.migrate === undefined || seen.has(setting.value.shown)) continue;
    seen.add(setting.value.shown);
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
  $ feed-engine migrate --source cassandra://10.0.0.5:9042,10.0.0.6:9042/feed --timelines redis://127.0.0.1:6379
  $ feed-engine migrate --source postgres://app@db/app --timelines cassandra://127.0.0.1:9042/feed --json
  $ FEED_ENGINE_CASSANDRA_DC=dc1 feed-engine migrate --source cassandra://127.0.0.1:9042/feed
  $ feed-engine migrate --config feed-engine.json

A Cassandra keyspace that does not exist is created with SimpleStrategy and replication factor 1 (one node); in
production create it first with the replication you want (e.g. NetworkTopologyStrategy, 3 per data center): migrate
leaves an existing keyspace's replication alone. The local data center is FEED_ENGINE_CASSANDRA_DC (default
datacenter1). Run Cassandra migrations from one process (schema changes racing from several clients can conflict).
`;

/** `feed-engine migrate`: creates or updates the schema of the configured backends. */
export function migrateCommand(): Command {
  const command = new Command("migrate").description(
    "create or update the PostgreSQL schema or Cassandra keyspace of the source of truth, and the Cassandra keyspace " +
      "of the timeline store (idempotent; PostgreSQL is safe to migrate from many processes at once, Cassandra from one)",
  );
  return addBackendOptions(command, ["timelines"])
    .option("--json", "print the result as JSON")
    .addHelpText("after", EXAMPLES)
    .action(async (opts: BackendFlags & { json?: boolean }) => {
      writeResult(await runMigrate(await configFromFlags(opts)), opts.json, formatMigrate);
    });
}

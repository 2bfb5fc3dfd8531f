import { type Command, Option } from "commander";
import { CONFIG_ENV, type FeedConfig, type RawSettings, resolveConfig, SETTINGS } from "./feed-config.js";
import { loadConfigFile } from "./load-config-file.js";

/** The backend options as commander parses them. */
export interface BackendFlags extends RawSettings {
  config?: string;
}

/** Which groups of backend options a command takes. */
export type BackendOptionGroup = "timelines" | "policy" | "bus";

const GROUP = "Backends (flags override FEED_ENGINE_* variables, which override --config):";

/**
 * Adds the shared backend options to a command: `--config`, `--source`, `--schema` and, as asked, the timelines group
 * (`--timelines`, `--redis-prefix`, `--timeline-cap`), the policy group (`--policy`, `--celebrity-threshold`,
 * `--inactive-after-days`) and `--bus`. Values
 * are resolved by {@link configFromFlags}, not by commander, so that each keeps where it came from for messages.
 */
export function addBackendOptions(command: Command, groups: readonly BackendOptionGroup[]): Command {
  const add = (flags: string, description: string, env: string) =>
    command.addOption(new Option(flags, `${description} [env ${env}]`).helpGroup(GROUP));
  add("--config <file>", "JSON file with any of these settings", CONFIG_ENV);
  add(
    "--source <url>",
    "source of truth (users, posts, follows, notifications): postgres://user@host:5432/db, cassandra://host:9042/keyspace or memory:",
    SETTINGS.source.env,
  );
  add("--schema <name>", "PostgreSQL schema (default feed_engine)", SETTINGS.schema.env);
  if (groups.includes("timelines")) {
    add(
      "--timelines <url>",
      "materialized timelines: redis://host:6379[/db], redis-cluster://host:7000,host:7001, cassandra://host:9042/keyspace, memory: or none:",
      SETTINGS.timelines.env,
    );
    add("--redis-prefix <prefix>", "prefix of every Redis key (default feed:)", SETTINGS.redisPrefix.env);
    add("--timeline-cap <n>", "entries per materialized timeline (default 800)", SETTINGS.timelineCap.env);
  }
  if (groups.includes("policy")) {
    add("--policy <name>", "fan-out policy: hybrid, push-all or pull-all (default hybrid)", SETTINGS.policy.env);
    add(
      "--celebrity-threshold <n>",
      "hybrid: pull authors with this many followers (default 10000)",
      SETTINGS.celebrityThreshold.env,
    );
    add(
      "--inactive-after-days <days>",
      'hybrid: skip followers unseen this long (default 30; "off")',
      SETTINGS.inactiveAfterDays.env,
    );
  }
  if (groups.includes("bus")) {
    add("--bus <url>", "event bus: memory: (fan-out in this process) or kafka://host:9092", SETTINGS.bus.env);
    add(
      "--kafka-prefix <prefix>",
      "prefix of every Kafka topic and consumer group; the same in every process (default feed-engine.)",
      SETTINGS.kafkaPrefix.env,
    );
    add(
      "--kafka-partitions <n>",
      "partitions of each topic, if this process is the first to create them (default 6)",
      SETTINGS.kafkaPartitions.env,
    );
  }
  return command;
}

/** Resolves flags, the environment and the config file (from `--config` or `FEED_ENGINE_CONFIG`) into a config. */
export async function configFromFlags(
  flags: BackendFlags,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<FeedConfig> {
  const path = flags.config || env[CONFIG_ENV] || undefined;
  const file = path === undefined ? undefined : await loadConfigFile(path, cwd);
  return resolveConfig({ flags, env, file });
}

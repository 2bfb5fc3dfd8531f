import { CliError } from "../errors/cli-error.js";
import { type BackendUrl, parseBackendUrl } from "./backend-url.js";

/** A setting and where it came from (`--source`, `FEED_ENGINE_SOURCE`, `feed-engine.json: source`), for messages. */
export interface Setting<T> {
  value: T;
  from: string;
}

/** Fan-out policies the CLI can build. */
export type PolicyName = "hybrid" | "push-all" | "pull-all";

/**
 * Everything a command needs to open the backends and build an engine: one URL per role, plus the few settings every
 * process of a deployment must agree on (schema, key prefix, policy, timeline cap). Built by {@link resolveConfig}.
 */
export interface FeedConfig {
  /** Source of truth: users, posts, follow graph, notifications. Unset when nothing configured it. */
  source: Setting<BackendUrl> | undefined;
  /** Materialized timelines and last-seen times. Unset: `memory:` with a memory source, else an error when needed. */
  timelines: Setting<BackendUrl> | undefined;
  /** The event bus. Default `memory:` (fan-out runs in this process, after each call). */
  bus: Setting<BackendUrl>;
  /** PostgreSQL schema (and, later, the default Cassandra keyspace). Default `feed_engine`. */
  schema: Setting<string>;
  /** Prefix of every Redis key. Default `feed:`. */
  redisPrefix: Setting<string>;
  policy: Setting<PolicyName>;
  /** hybrid: authors with at least this many followers are pulled. Default 10,000. */
  celebrityThreshold: Setting<number>;
  /** hybrid: followers unseen for longer are not pushed to. Default 30; `null` turns it off. */
  inactiveAfterDays: Setting<number | null>;
  /** Entries per materialized timeline. Default 800. Every process of a deployment must use the same. */
  timelineCap: Setting<number>;
  /** Prefix of every Kafka topic and consumer group. Default `feed-engine.`. Every process must use the same. */
  kafkaPrefix: Setting<string>;
  /** Partitions of each Kafka topic, when this process is the first to create it. Default 6. */
  kafkaPartitions: Setting<number>;
}

/** The settings as strings, from flags, the environment or a config file, before they are checked. */
export interface RawSettings {
  source?: string | undefined;
  timelines?: string | undefined;
  bus?: string | undefined;
  schema?: string | undefined;
  redisPrefix?: string | undefined;
  policy?: string | undefined;
  celebrityThreshold?: string | number | undefined;
  inactiveAfterDays?: string | number | undefined;
  timelineCap?: string | number | undefined;
  kafkaPrefix?: string | undefined;
  kafkaPartitions?: string | number | undefined;
}

/** Setting name -> flag, environment variable and config-file key. */
export const SETTINGS = {
  source: { flag: "--source", env: "FEED_ENGINE_SOURCE" },
  timelines: { flag: "--timelines", env: "FEED_ENGINE_TIMELINES" },
  bus: { flag: "--bus", env: "FEED_ENGINE_BUS" },
  schema: { flag: "--schema", env: "FEED_ENGINE_SCHEMA" },
  redisPrefix: { flag: "--redis-prefix", env: "FEED_ENGINE_REDIS_PREFIX" },
  policy: { flag: "--policy", env: "FEED_ENGINE_POLICY" },
  celebrityThreshold: { flag: "--celebrity-threshold", env: "FEED_ENGINE_CELEBRITY_THRESHOLD" },
  inactiveAfterDays: { flag: "--inactive-after-days", env: "FEED_ENGINE_INACTIVE_AFTER_DAYS" },
  timelineCap: { flag: "--timeline-cap", env: "FEED_ENGINE_TIMELINE_CAP" },
  kafkaPrefix: { flag: "--kafka-prefix", env: "FEED_ENGINE_KAFKA_PREFIX" },
  kafkaPartitions: { flag: "--kafka-partitions", env: "FEED_ENGINE_KAFKA_PARTITIONS" },
} as const satisfies Record<keyof RawSettings, { flag: string; env: string }>;

/** Environment variable naming a config file, when `--config` is not given. */
export const CONFIG_ENV = "FEED_ENGINE_CONFIG";

/** What {@link resolveConfig} reads, highest precedence first. */
export interface ConfigLayers {
  flags: RawSettings;
  env: NodeJS.ProcessEnv;
  /** The parsed config file and its path, when one was given. */
  file?: { path: string; settings: RawSettings } | undefined;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** Kafka topic names allow these characters; the prefix becomes part of every topic and group name. */
const KAFKA_PREFIX = /^[A-Za-z0-9._-]{0,200}$/;
const POLICIES: readonly PolicyName[] = ["hybrid", "push-all", "pull-all"];

/**
 * Resolves the configuration: each setting from its flag, else its `FEED_ENGINE_*` environment variable (empty counts
 * as unset), else the config file, else its default. Checks every value and throws a {@link CliError} naming where a
 * bad one came from.
 */
export function resolveConfig(layers: ConfigLayers): FeedConfig {
  const pick = (key: keyof RawSettings): Setting<string> | undefined => {
    const flag = layers.flags[key];
    if (flag !== undefined && flag !== "") return { value: String(flag), from: SETTINGS[key].flag };
    const env = layers.env[SETTINGS[key].env];
    if (env !== undefined && env !== "") return { value: env, from: SETTINGS[key].env };
    const file = layers.file?.settings[key];
    if (file !== undefined && file !== "") return { value: String(file), from: `${layers.file!.path}: ${key}` };
    return undefined;
  };
  const url = (key: "source" | "timelines" | "bus"): Setting<BackendUrl> | undefined => {
    const s = pick(key);
    return s === undefined ? undefined : { value: parseBackendUrl(s.value, s.from), from: s.from };
  };
  const integer = (key: keyof RawSettings, fallback: number, min: number, max: number): Setting<number> => {
    const s = pick(key);
    if (s === undefined) return { value: fallback, from: "default" };
    const n = Number(s.value.replace(/[_,]/g, ""));
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new CliError(
        `${s.from}: expected an integer from ${min} to ${max.toLocaleString("en-US")} (got ${s.value})`,
      );
    }
    return { value: n, from: s.from };
  };

  const source = url("source");
  const timelines = url("timelines");
  const bus = url("bus") ?? { value: parseBackendUrl("memory:", "default"), from: "default" };
  checkRole(source, ["memory", "postgres", "cassandra"], "the source of truth");
  checkRole(timelines, ["memory", "none", "redis", "redis-cluster", "cassandra"], "the timelines");
  checkRole(bus, ["memory", "kafka"], "the event bus");

  const schema = pick("schema") ?? { value: "feed_engine", from: "default" };
  if (!SCHEMA_NAME.test(schema.value)) {
    throw new CliError(
      `${schema.from}: a schema name is 1-63 letters, digits or _, not starting with a digit (got ${JSON.stringify(schema.value)})`,
    );
  }
  const redisPrefix = pick("redisPrefix") ?? { value: "feed:", from: "default" };
  if (/[{}]/.test(redisPrefix.value)) {
    throw new CliError(`${redisPrefix.from}: a Redis key prefix must not contain { or } (they are hash tags)`);
  }
  const kafkaPrefix = pick("kafkaPrefix") ?? { value: "feed-engine.", from: "default" };
  if (!KAFKA_PREFIX.test(kafkaPrefix.value)) {
    throw new CliError(
      `${kafkaPrefix.from}: a Kafka topic prefix is up to 200 letters, digits, '.', '_' or '-' (got ${JSON.stringify(kafkaPrefix.value)})`,
    );
  }
  const policyText = pick("policy") ?? { value: "hybrid", from: "default" };
  if (!POLICIES.includes(policyText.value as PolicyName)) {
    throw new CliError(`${policyText.from}: expected one of ${POLICIES.join(", ")} (got ${policyText.value})`);
  }
  const policy = { value: policyText.value as PolicyName, from: policyText.from };
  const days = pick("inactiveAfterDays");
  let inactiveAfterDays: Setting<number | null> = { value: 30, from: "default" };
  if (days !== undefined) {
    const n = Number(days.value);
    if (days.value === "off" || days.value === "never") inactiveAfterDays = { value: null, from: days.from };
    else if (n > 0 && Number.isFinite(n)) inactiveAfterDays = { value: n, from: days.from };
    else throw new CliError(`${days.from}: expected a number of days > 0, or "off" (got ${days.value})`);
  }
  return {
    source,
    timelines,
    bus,
    schema,
    redisPrefix,
    policy,
    celebrityThreshold: integer("celebrityThreshold", 10_000, 1, Number.MAX_SAFE_INTEGER),
    inactiveAfterDays,
    timelineCap: integer("timelineCap", 800, 1, 100_000),
    kafkaPrefix,
    kafkaPartitions: integer("kafkaPartitions", 6, 1, 10_000),
  };
}

function checkRole(setting: Setting<BackendUrl> | undefined, allowed: string[], role: string): void {
  if (setting === undefined || allowed.includes(setting.value.scheme)) return;
  const list = allowed.map((s) => (s === "memory" || s === "none" ? `${s}:` : `${s}://`)).join(", ");
  throw new CliError(`${setting.from}: ${setting.value.scheme} cannot hold ${role}; use ${list}`);
}

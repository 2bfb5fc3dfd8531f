import { type FanoutPolicy, hybrid, pullAll, pushAll } from "@feed-engine/core";

/** A fan-out policy as data, so a test can hand the same one to a worker process. */
export type PolicySpec =
  | { kind: "push-all" }
  | { kind: "pull-all" }
  | { kind: "hybrid"; celebrityThreshold: number; inactiveAfterDays: number | null };

/** Where users, posts, graph and notifications live: a PostgreSQL schema or a Cassandra keyspace. */
export type SourceConfig =
  | { kind: "postgres"; url: string; schema: string }
  | { kind: "cassandra"; contactPoint: string; dataCenter: string; keyspace: string };

/** Which keyspace (Cassandra) and Redis prefix the stores use; a worker can be told to switch between runs. */
export interface Namespace {
  /** Cassandra keyspace; ignored for PostgreSQL. */
  keyspace?: string;
  redisPrefix: string;
}

/** What a worker process runs on: the servers, the namespaces in them, and the engine settings. */
export interface WorkerConfig {
  source: SourceConfig;
  redis: { url: string; prefix: string };
  kafka: { brokers: string[]; prefix: string; partitions: number };
  policy: PolicySpec;
  timelineCap: number;
  backfillLimit: number;
  fanoutBatchSize: number;
}

/** The policy a spec describes. */
export function policyOf(spec: PolicySpec): FanoutPolicy {
  switch (spec.kind) {
    case "push-all":
      return pushAll();
    case "pull-all":
      return pullAll();
    case "hybrid":
      return hybrid({ celebrityThreshold: spec.celebrityThreshold, inactiveAfterDays: spec.inactiveAfterDays });
  }
}

/**
 * Vitest global setup: makes sure the real servers the adapter suites need are there, gives this run a fresh
 * PostgreSQL database and a fresh Redis key prefix, starts a 3-master Redis Cluster on ports of its own, and makes
 * sure Kafka and Cassandra answer, starting them with `scripts/services/` when they are not running (and stopping
 * in teardown only what it started). A missing server fails the run with a message saying what to start; nothing is
 * skipped.
 *
 * Point the tests at other servers with FEED_ENGINE_TEST_REDIS_URL, FEED_ENGINE_TEST_POSTGRES_URL,
 * FEED_ENGINE_TEST_KAFKA_BROKERS (comma-separated host:port) and FEED_ENGINE_TEST_CASSANDRA (host:port); a server
 * named through one of these is never started by the tests.
 */
import { randomBytes } from "node:crypto";
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { ensureKafkaAndCassandra } from "./kafka-cassandra.js";
import { startRedisCluster } from "./redis-cluster.js";
import { checkRedis, createDatabase, dropDatabase } from "./servers.js";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
    redisPrefix: string;
    redisClusterNodes: string;
    postgresUrl: string;
    /** Comma-separated `host:port` of the Kafka brokers. */
    kafkaBrokers: string;
    /** `host:port` of one Cassandra node. */
    cassandraContactPoint: string;
    /** That node's data center, for cassandra-driver's `localDataCenter` ("datacenter1" for the scripts' node). */
    cassandraDataCenter: string;
    /** Unique per run; only lowercase letters, digits and `_`, so it fits in topic, keyspace and database names. */
    runId: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `${process.pid}_${randomBytes(4).toString("hex")}`;
  const redisUrl = process.env.FEED_ENGINE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
  const adminUrl = process.env.FEED_ENGINE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  // Kafka and Cassandra may need starting (seconds to a minute): do everything else meanwhile.
  const [services, database, cluster] = await Promise.allSettled([
    ensureKafkaAndCassandra(),
    checkRedis(redisUrl).then(() => createDatabase(adminUrl, `feed_engine_test_${runId}`)),
    startRedisCluster(),
  ]);
  const teardown = async () => {
    const steps = [
      cluster.status === "fulfilled" ? cluster.value.stop() : undefined,
      database.status === "fulfilled" ? dropDatabase(adminUrl, database.value) : undefined,
      services.status === "fulfilled" ? services.value.stop() : undefined,
    ];
    const failures = (await Promise.allSettled(steps)).filter((r) => r.status === "rejected");
    if (failures.length > 0)
      throw new AggregateError(
        failures.map((f) => f.reason),
        "global teardown failed",
      );
  };
  if (services.status === "rejected" || database.status === "rejected" || cluster.status === "rejected") {
    await teardown().catch(() => {});
    const errors = [services, database, cluster].filter((r) => r.status === "rejected").map((r) => r.reason);
    throw new Error(errors.map((e) => (e instanceof Error ? e.message : String(e))).join("\n"));
  }
  project.provide("redisUrl", redisUrl);
  project.provide("redisPrefix", `fe_test_${runId}:`);
  project.provide("redisClusterNodes", cluster.value.nodes.join(","));
  project.provide("postgresUrl", database.value);
  project.provide("kafkaBrokers", services.value.kafkaBrokers);
  project.provide("cassandraContactPoint", services.value.cassandraContactPoint);
  project.provide("cassandraDataCenter", services.value.cassandra.dataCenter);
  project.provide("runId", runId);
  return teardown;
}

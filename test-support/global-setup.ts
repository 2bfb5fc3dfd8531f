/**
 * Vitest global setup: makes sure the real servers the adapter suites need are there, gives this run a fresh
 * PostgreSQL database and a fresh Redis key prefix, and starts a 3-master Redis Cluster on ports of its own.
 * A missing server fails the run with a message saying what to start; nothing is skipped.
 *
 * Point the tests at other servers with FEED_ENGINE_TEST_REDIS_URL and FEED_ENGINE_TEST_POSTGRES_URL.
 */
import { randomBytes } from "node:crypto";
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { type RedisClusterHandle, startRedisCluster } from "./redis-cluster.js";
import { checkRedis, createDatabase, dropDatabase } from "./servers.js";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
    redisPrefix: string;
    redisClusterNodes: string;
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `${process.pid}_${randomBytes(4).toString("hex")}`;
  const redisUrl = process.env.FEED_ENGINE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
  const adminUrl = process.env.FEED_ENGINE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  await checkRedis(redisUrl);
  const postgresUrl = await createDatabase(adminUrl, `feed_engine_test_${runId}`);
  let cluster: RedisClusterHandle | undefined;
  try {
    cluster = await startRedisCluster();
  } catch (error) {
    await dropDatabase(adminUrl, postgresUrl);
    throw error;
  }
  project.provide("redisUrl", redisUrl);
  project.provide("redisPrefix", `fe_test_${runId}:`);
  project.provide("redisClusterNodes", cluster.nodes.join(","));
  project.provide("postgresUrl", postgresUrl);
  return async () => {
    await cluster?.stop();
    await dropDatabase(adminUrl, postgresUrl);
  };
}

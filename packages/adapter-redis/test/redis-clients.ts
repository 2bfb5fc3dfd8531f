import { randomUUID } from "node:crypto";
import { Cluster, Redis } from "ioredis";
import { afterAll, inject } from "vitest";
// The global setup declares what it provides (`redisUrl`, `redisPrefix`, `redisClusterNodes`) for `inject`.
import type {} from "../../../test-support/global-setup.js";

/** A standalone client on the test server (`redisUrl` from the global setup). */
export function standaloneClient(): Redis {
  return new Redis(inject("redisUrl"));
}

/** A client of the 3-master test cluster the global setup started. */
export function clusterClient(): Cluster {
  const nodes = inject("redisClusterNodes")
    .split(",")
    .map((hostPort) => {
      const [host = "127.0.0.1", port = "0"] = hostPort.split(":");
      return { host, port: Number(port) };
    });
  return new Cluster(nodes);
}

/**
 * Key prefixes for one test file: all under this run's prefix and a random file-level one, so `cleanUp` can delete
 * exactly the keys the file wrote on the shared standalone server.
 */
export function prefixes() {
  const base = `${inject("redisPrefix")}${randomUUID()}:`;
  let next = 0;
  return {
    base,
    /** A fresh prefix, for one store. */
    fresh: () => `${base}${next++}:`,
  };
}

/** Deletes every key under `base` on a standalone client. */
export async function cleanUp(client: Redis, base: string): Promise<void> {
  let cursor = "0";
  do {
    const [nextCursor, keys] = await client.scan(cursor, "MATCH", `${base}*`, "COUNT", 1000);
    cursor = nextCursor;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cursor !== "0");
}

/**
 * The clients and prefixes of one test file: a standalone client, a cluster client unless `cluster: false`, and
 * file-level key prefixes. Registers an `afterAll` that deletes the file's keys and disconnects both clients.
 */
export function redisTestClients<WithCluster extends boolean = true>(
  options: { cluster?: WithCluster } = {},
): { client: Redis; cluster: WithCluster extends false ? undefined : Cluster; prefix: ReturnType<typeof prefixes> } {
  const client = standaloneClient();
  const cluster = (options.cluster === false ? undefined : clusterClient()) as WithCluster extends false
    ? undefined
    : Cluster;
  const prefix = prefixes();
  afterAll(async () => {
    await cleanUp(client, prefix.base);
    client.disconnect();
    cluster?.disconnect();
  });
  return { client, cluster, prefix };
}

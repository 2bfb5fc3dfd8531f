import { RedisActivityStore, RedisTimelineStore } from "@feed-engine/adapter-redis";
import { Cluster, Redis } from "ioredis";
import { type BackendUrl, showHost } from "../config/backend-url.js";
import type { BackendDriver } from "./backend-driver.js";
import { once } from "./once.js";
import { socketCode, unreachable } from "./unreachable.js";

const CONNECT_TIMEOUT_MS = 5_000;
/** Reconnect backoff once connected: 100 ms, 200 ms, ... up to 2 s. */
const backoff = (times: number): number => Math.min(100 * times, 2_000);

/**
 * Connects and pings, failing with one line naming the server when that does not work. ioredis rejects with
 * "Connection is closed" (a Cluster with "None of startup nodes is available"); the socket's own error, when it
 * reported one (ECONNREFUSED, ...), says more.
 */
async function connectOrExplain(client: Redis | Cluster, server: string, address: string, from: string): Promise<void> {
  let lastError: unknown;
  const remember = (error: unknown) => {
    lastError = error;
  };
  client.on("error", remember);
  client.on("node error", remember);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw unreachable(server, address, from, socketCode(lastError) ? lastError : error);
  }
}

/**
 * Connects without retrying, so an unreachable server fails fast with its own error; once connected, the client
 * reconnects with a backoff like any long-running client should.
 */
async function connect(url: BackendUrl, from: string): Promise<Redis | Cluster> {
  if (url.scheme === "redis") {
    const client = new Redis(url.url, {
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      maxRetriesPerRequest: 3,
      retryStrategy: () => null,
    });
    await connectOrExplain(client, "Redis", showHost(url.address), from);
    client.options.retryStrategy = backoff;
    return client;
  }
  if (url.scheme !== "redis-cluster") throw new Error(`redis backend given ${url.scheme}`);
  const client = new Cluster(url.nodes, {
    lazyConnect: true,
    clusterRetryStrategy: () => null,
    slotsRefreshTimeout: CONNECT_TIMEOUT_MS,
    redisOptions: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      ...(url.username === undefined ? {} : { username: url.username }),
      ...(url.password === undefined ? {} : { password: url.password }),
    },
  });
  await connectOrExplain(client, "the Redis Cluster", url.nodes.map(showHost).join(","), from);
  client.options.clusterRetryStrategy = backoff;
  return client;
}

/** Redis (`redis://`) or Redis Cluster (`redis-cluster://`) holding the materialized timelines and last-seen times. */
export const redisBackend: BackendDriver = {
  async open(url, context) {
    const client = await connect(url, context.setting.from);
    const prefix = context.config.redisPrefix.value;
    return {
      stores: {
        timelines: new RedisTimelineStore({ client, prefix, cap: context.config.timelineCap.value }),
        activity: new RedisActivityStore({ client, prefix }),
      },
      close: once(async () => {
        await client.quit().catch(() => client.disconnect());
      }),
    };
  },
};

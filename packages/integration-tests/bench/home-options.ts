/**
 * The home-timeline benchmark's command-line options (see `home-timeline.ts` for their meaning) and the servers it
 * runs against.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { APPROACH_KEYS, type ApproachKey, DEFAULT_APPROACHES } from "./home-approaches.js";

/** Days the loaded posts are spread over. */
export const HISTORY_DAYS = 30;

/** A run's settings. */
export interface Options {
  dataset: string;
  rates: number[];
  warmupMs: number;
  measureMs: number;
  postsPerUser: number;
  readers: number;
  pool: number;
  rebuildConcurrency: number;
  approaches: ApproachKey[];
  repeat: number;
  postgresUrl: string;
  redisUrl: string;
}

/** Reads the options from argv and the servers from the environment; throws on a value it cannot use. */
export function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      dataset: { type: "string" },
      rates: { type: "string", default: "500,1000,2000" },
      // Each row's process is fresh: its first seconds compile the hot paths and size the heap, which a server that
      // has been up a while is past. 20 s, not 3: with 3 s every row's p99 missed 5 ms, with 20 s 4 of 6 met it.
      warmup: { type: "string", default: "20" },
      duration: { type: "string", default: "10" },
      "posts-per-user": { type: "string", default: "20" },
      readers: { type: "string", default: "8" },
      pool: { type: "string", default: "16" },
      "rebuild-concurrency": { type: "string", default: "32" },
      approaches: { type: "string", default: DEFAULT_APPROACHES.join(",") },
      repeat: { type: "string", default: "1" },
    },
  });
  const positive = (name: string, text: string) => {
    const n = Number(text);
    if (!(n > 0)) throw new Error(`--${name} must be a positive number (got ${JSON.stringify(text)})`);
    return n;
  };
  return {
    dataset:
      values.dataset === undefined
        ? fileURLToPath(new URL("../../../../shared/datasets/ego-twitter/twitter_combined.txt.gz", import.meta.url))
        : resolve(values.dataset),
    rates: values.rates.split(",").map((rate) => positive("rates", rate)),
    warmupMs: positive("warmup", values.warmup) * 1000,
    measureMs: positive("duration", values.duration) * 1000,
    postsPerUser: Math.round(positive("posts-per-user", values["posts-per-user"])),
    readers: Math.round(positive("readers", values.readers)),
    pool: Math.round(positive("pool", values.pool)),
    rebuildConcurrency: Math.round(positive("rebuild-concurrency", values["rebuild-concurrency"])),
    approaches: values.approaches.split(",").map((key) => {
      if (!(APPROACH_KEYS as readonly string[]).includes(key)) {
        throw new Error(`--approaches takes ${APPROACH_KEYS.join(", ")} (got ${JSON.stringify(key)})`);
      }
      return key as ApproachKey;
    }),
    repeat: Math.round(positive("repeat", values.repeat)),
    postgresUrl: process.env.FEED_ENGINE_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    redisUrl: process.env.FEED_ENGINE_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
  };
}

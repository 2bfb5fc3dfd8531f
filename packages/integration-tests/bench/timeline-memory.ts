/**
 * Materializes every user's home timeline (`engine.rebuildTimeline`, a bounded number at a time) and measures what
 * the timelines cost in Redis: the `used_memory` delta, the sum of `MEMORY USAGE` over every timeline key, and bytes
 * per entry on a sample of full (800-entry) timelines.
 */

import type { RedisTimelineStore } from "@feed-engine/adapter-redis";
import type { FeedEngine } from "@feed-engine/core";
import type { Redis } from "ioredis";

export interface TimelineMemoryReport {
  timelines: number;
  concurrency: number;
  seconds: number;
  entries: number;
  fullTimelines: number;
  usedMemoryDelta: number;
  /** Sum of `MEMORY USAGE key SAMPLES 0` over every timeline key. */
  keyBytes: number;
  /** `MEMORY USAGE` per entry, averaged over `sampled` timelines holding exactly `cap` entries. */
  fullBytesPerEntry: number;
  sampled: number;
}

/** Header of a timeline string (8-byte floor + flags byte), then 8 bytes per entry: see RedisTimelineStore. */
const HEADER_BYTES = 9;
const ENTRY_BYTES = 8;
const PIPELINE = 1_000;

export async function materializeAll(
  engine: FeedEngine,
  store: RedisTimelineStore,
  redis: Redis,
  userIds: readonly string[],
  options: { concurrency: number; sample: number; log: (line: string) => void },
): Promise<TimelineMemoryReport> {
  const before = await usedMemory(redis);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < userIds.length) {
      const i = next++;
      await engine.rebuildTimeline(userIds[i]!);
      if ((i + 1) % 20_000 === 0) options.log(`rebuild: ${i + 1} timelines`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const after = await usedMemory(redis);

  const keys = userIds.map((id) => store.keyOf(id));
  const lengths = await eachKey(redis, keys, (p, key) => p.strlen(key));
  const usage = await eachKey(redis, keys, (p, key) => p.memory("USAGE", key, "SAMPLES", "0"));
  const entriesOf = (i: number) => (lengths[i]! - HEADER_BYTES) / ENTRY_BYTES;
  const full = keys.map((_, i) => i).filter((i) => entriesOf(i) === store.cap);
  const sample = full.slice(0, options.sample);
  const sampleBytes = sample.reduce((sum, i) => sum + usage[i]!, 0);
  return {
    timelines: keys.length,
    concurrency: options.concurrency,
    seconds,
    entries: keys.reduce((sum, _, i) => sum + entriesOf(i), 0),
    fullTimelines: full.length,
    usedMemoryDelta: after - before,
    keyBytes: usage.reduce((sum, bytes) => sum + bytes, 0),
    fullBytesPerEntry: sampleBytes / sample.length / store.cap,
    sampled: sample.length,
  };
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  const match = /^used_memory:(\d+)/m.exec(info);
  if (match === null) throw new Error("INFO memory has no used_memory line");
  return Number(match[1]);
}

type Pipeline = ReturnType<Redis["pipeline"]>;

/** One numeric reply per key, pipelined a thousand at a time. */
async function eachKey(
  redis: Redis,
  keys: readonly string[],
  queue: (pipeline: Pipeline, key: string) => void,
): Promise<number[]> {
  const out: number[] = [];
  for (let at = 0; at < keys.length; at += PIPELINE) {
    const pipeline = redis.pipeline();
    for (const key of keys.slice(at, at + PIPELINE)) queue(pipeline, key);
    for (const [error, reply] of (await pipeline.exec()) ?? []) {
      if (error !== null) throw error;
      out.push(Number(reply));
    }
  }
  return out;
}

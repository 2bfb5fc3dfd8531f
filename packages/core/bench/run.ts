/**
 * In-memory baselines: `pnpm bench` (or `pnpm --filter @feed-engine/core bench`).
 * Prints a Markdown table; docs/benchmarks.md records a run with the command that made it.
 */
import { performance } from "node:perf_hooks";
import {
  createFeedEngine,
  type FanoutPolicy,
  hybrid,
  ManualClock,
  MemoryEventBus,
  pullAll,
  pushAll,
  Snowflake,
  type UserId,
} from "../src/index.js";

interface Row {
  name: string;
  value: string;
  note: string;
}
const rows: Row[] = [];
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function benchSnowflake(): void {
  const gen = new Snowflake({ workerId: 1 });
  const n = 2_000_000;
  let last = "";
  const t0 = performance.now();
  for (let i = 0; i < n; i++) last = gen.next();
  const s = (performance.now() - t0) / 1000;
  rows.push({ name: "Snowflake ids/s (one generator)", value: fmt(n / s), note: `${fmt(n)} ids, last ${last}` });
}

async function users(engine: ReturnType<typeof createFeedEngine>, prefix: string, n: number): Promise<UserId[]> {
  const ids: UserId[] = [];
  for (let i = 0; i < n; i++) ids.push((await engine.registerUser({ handle: `${prefix}${i}` })).id);
  return ids;
}

async function benchFanout(): Promise<void> {
  const bus = new MemoryEventBus({ autoDrain: false });
  const engine = createFeedEngine({ policy: pushAll(), bus, clock: new ManualClock() });
  const authors = await users(engine, "a", 10);
  const followers = await users(engine, "f", 10_000);
  await engine.importFollows(authors.flatMap((a) => followers.map((f) => [f, a] as const)));
  let deliveries = 0;
  const posts = 50;
  const t0 = performance.now();
  for (let i = 0; i < posts; i++) await engine.post(authors[i % authors.length]!, { text: `post ${i}` });
  await bus.drain();
  const s = (performance.now() - t0) / 1000;
  deliveries = posts * followers.length;
  rows.push({
    name: "In-memory fan-out deliveries/s (push-all)",
    value: fmt(deliveries / s),
    note: `${posts} posts to 10,000 followers each, batches of 1,000, one process`,
  });
}

async function benchReads(policy: FanoutPolicy, label: string, pulledAuthors: number): Promise<number> {
  const clock = new ManualClock();
  const bus = new MemoryEventBus({ autoDrain: false });
  const engine = createFeedEngine({ policy, bus, clock });
  const reader = (await engine.registerUser({ handle: "reader" })).id;
  const pushed = await users(engine, "p", 200);
  const pulled = await users(engine, "c", pulledAuthors);
  const fans = await users(engine, "fan", 3);
  // Pulled authors have 3 fans plus the reader; the hybrid threshold below is 3 followers.
  await engine.importFollows([
    ...pushed.map((a) => [reader, a] as const),
    ...pulled.flatMap((c) => [[reader, c] as const, ...fans.map((f) => [f, c] as const)]),
  ]);
  await engine.rebuildTimeline(reader);
  for (let round = 0; round < 10; round++) {
    for (const a of [...pushed, ...pulled]) {
      clock.advance(1000);
      await engine.post(a, { text: `hello from ${a} #${round}` });
    }
  }
  await bus.drain();
  const n = 20_000;
  const lat = new Float64Array(n);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const page = await engine.homeTimeline(reader, { limit: 20 });
    lat[i] = performance.now() - s;
    if (page.items.length !== 20) throw new Error("bench: short page");
  }
  const secs = (performance.now() - t0) / 1000;
  lat.sort();
  rows.push({
    name: `Home reads/s, 20 items, ${label}`,
    value: fmt(n / secs),
    note: `p50 ${percentile(lat, 50).toFixed(3)} ms, p99 ${percentile(lat, 99).toFixed(3)} ms`,
  });
  return n / secs;
}

async function main(): Promise<void> {
  benchSnowflake();
  await benchFanout();
  const threshold = hybrid({ celebrityThreshold: 4, inactiveAfterDays: null });
  for (const k of [0, 5, 50]) await benchReads(threshold, `following 200 pushed + ${k} pulled authors (hybrid)`, k);
  const naive = await benchReads(pullAll(), "following 250 authors, pull-all (naive merge at read)", 50);
  const hybridRate = Number(rows[rows.length - 2]!.value.replaceAll(",", ""));
  rows.push({
    name: "Hybrid vs pull-all read throughput (50 pulled)",
    value: `${(hybridRate / naive).toFixed(2)}x`,
    note: "same reader, same posts",
  });
  console.log(`node ${process.version}, ${new Date().toISOString()}\n`);
  console.log("| benchmark | result | detail |\n| --- | ---: | --- |");
  for (const r of rows) console.log(`| ${r.name} | ${r.value} | ${r.note} |`);
}

await main();

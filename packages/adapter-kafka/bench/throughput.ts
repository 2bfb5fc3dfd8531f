/**
 * Events/s through KafkaEventBus against a real Kafka (default 127.0.0.1:9092), from this one Node process, next to
 * raw KafkaJS doing the same work in the same run: the same events (post.created, keyed by author), the same JSON
 * values, topics with the same partition count, the same producer settings (idempotent, acks -1) and batch size.
 *
 *   npx tsx bench/throughput.ts [--events 200000] [--batch 1000] [--partitions 6] [--rounds 3]
 *                               [--brokers 127.0.0.1:9092] [--json]
 *
 * Each round, on fresh topics:
 * 1. produce: `--events` events, `--batch` per call, one call at a time: `bus.publish(batch)` against
 *    `producer.send({ topic, messages, acks: -1 })` with the messages built from the same events.
 * 2. consume: a new consumer group reads them all back, one consumer in this process: a `bus.subscribe` handler
 *    against a raw `eachBatch` that JSON-parses each value, calls the same handler and resolves its offset (KafkaJS
 *    auto-commit). Timed from the first event handled to the last (the join is reported apart).
 * Rates are per second of wall time and per second of this process's CPU time (user + system, `process.cpuUsage`),
 * which moves less when other processes share the cores. The figures are the median of `--rounds` rounds; bus and raw
 * alternate which goes first. Topics are deleted at the
 * end (also on failure). Progress goes to stderr, the markdown table (or `--json`) to stdout.
 */
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { type FeedEvent, keyOf, type PostCreated } from "@feed-engine/core";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { KafkaEventBus, SCHEMA_VERSION } from "../src/index.js";

interface Options {
  brokers: string[];
  events: number;
  batch: number;
  partitions: number;
  rounds: number;
}

/** Events/s of one side in one round: per second of wall time, and per second of this process's CPU time. */
interface Rates {
  produce: number;
  consume: number;
  produceCpu: number;
  consumeCpu: number;
  /** From subscribing to the first event handled (join and first fetch), ms. */
  joinMs: number;
}

/** This process's CPU time (user + system) so far, ms. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const CONSUMER = { sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100 };

function options(): Options & { json: boolean } {
  const { values } = parseArgs({
    // `pnpm bench -- --rounds 5` passes the `--` on.
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    options: {
      brokers: { type: "string", default: process.env.FEED_ENGINE_KAFKA_BROKERS ?? "127.0.0.1:9092" },
      events: { type: "string", default: "200000" },
      batch: { type: "string", default: "1000" },
      partitions: { type: "string", default: "6" },
      rounds: { type: "string", default: "3" },
      json: { type: "boolean", default: false },
    },
  });
  return {
    brokers: values.brokers.split(","),
    events: Number(values.events),
    batch: Number(values.batch),
    partitions: Number(values.partitions),
    rounds: Number(values.rounds),
    json: values.json,
  };
}

/** `count` post.created events by 10,000 authors, with Snowflake-sized ids. */
function makeEvents(count: number): PostCreated[] {
  const base = BigInt(Date.now() - 1_288_834_974_657) << 22n;
  return Array.from({ length: count }, (_, i) => {
    const id = (base + BigInt(i)).toString();
    return { type: "post.created", id, at: Date.now(), postId: id, authorId: String(1_000_000 + (i % 10_000)) };
  });
}

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const rate = (count: number, ms: number) => Math.round((count * 1000) / ms);

/** Calls `handle` `count` times, then resolves with the ms from the first call to the last and from `start`. */
function counter(count: number, start: number) {
  let seen = 0;
  let first = 0;
  let done = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  let firstCpu = 0;
  const handle = async (_event: FeedEvent) => {
    if (seen === 0) {
      first = performance.now();
      firstCpu = cpuMs();
    }
    seen++;
    if (seen === count) done();
  };
  const result = async () => {
    await finished;
    const last = performance.now();
    return { ms: last - first, cpu: cpuMs() - firstCpu, joinMs: first - start };
  };
  return { handle, result, seen: () => seen };
}

async function busRound(o: Options, events: PostCreated[], prefix: string): Promise<Rates> {
  const producing = new KafkaEventBus({ brokers: o.brokers, prefix, partitions: o.partitions });
  const consuming = new KafkaEventBus({ brokers: o.brokers, prefix, partitions: o.partitions, consumer: CONSUMER });
  try {
    await producing.publish(events.slice(0, 1)); // topics and connection, not timed
    const rest = batches(events.slice(1), o.batch);
    let started = performance.now();
    const cpu = cpuMs();
    for (const batch of rest) await producing.publish(batch);
    const produce = rate(events.length - 1, performance.now() - started);
    const produceCpu = rate(events.length - 1, cpuMs() - cpu);
    started = performance.now();
    const count = counter(events.length, started);
    await consuming.subscribe("bench", count.handle);
    const consumed = await count.result();
    const consume = rate(events.length - 1, consumed.ms);
    return { produce, consume, produceCpu, consumeCpu: rate(events.length - 1, consumed.cpu), joinMs: consumed.joinMs };
  } finally {
    await consuming.close();
    await producing.close();
  }
}

async function rawRound(o: Options, events: PostCreated[], kafka: Kafka, topic: string): Promise<Rates> {
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({ groupId: `${topic}.bench`, ...CONSUMER });
  const toMessage = (event: FeedEvent) => ({ key: keyOf(event), value: JSON.stringify({ v: SCHEMA_VERSION, event }) });
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: o.partitions, replicationFactor: 1 }] });
    await producer.connect();
    await producer.send({ topic, messages: events.slice(0, 1).map(toMessage), acks: -1 });
    const rest = batches(events.slice(1), o.batch);
    let started = performance.now();
    const cpu = cpuMs();
    for (const batch of rest) await producer.send({ topic, messages: batch.map(toMessage), acks: -1 });
    const produce = rate(events.length - 1, performance.now() - started);
    const produceCpu = rate(events.length - 1, cpuMs() - cpu);
    started = performance.now();
    const count = counter(events.length, started);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset }) => {
        for (const message of batch.messages) {
          const envelope = JSON.parse(message.value!.toString()) as { v: number; event: FeedEvent };
          await count.handle(envelope.event);
          resolveOffset(message.offset);
        }
      },
    });
    const consumed = await count.result();
    const consume = rate(events.length - 1, consumed.ms);
    return { produce, consume, produceCpu, consumeCpu: rate(events.length - 1, consumed.cpu), joinMs: consumed.joinMs };
  } finally {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

async function deleteTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const o = options();
  const kafka = new Kafka({ brokers: o.brokers, clientId: "feed-engine-bench", logLevel: logLevel.ERROR });
  const prefix = `fe-bench.${randomBytes(4).toString("hex")}.`;
  const events = makeEvents(o.events);
  const bytes = JSON.stringify({ v: SCHEMA_VERSION, event: events[0] }).length;
  const bus: Rates[] = [];
  const raw: Rates[] = [];
  try {
    for (let round = 0; round < o.rounds; round++) {
      const runBus = async () => {
        bus.push(await busRound(o, events, `${prefix}${round}.bus.`));
        log(`round ${round + 1} bus: ${JSON.stringify(bus.at(-1))}`);
      };
      const runRaw = async () => {
        raw.push(await rawRound(o, events, kafka, `${prefix}${round}.raw.posts`));
        log(`round ${round + 1} raw: ${JSON.stringify(raw.at(-1))}`);
      };
      if (round % 2 === 0) {
        await runBus();
        await runRaw();
      } else {
        await runRaw();
        await runBus();
      }
    }
  } finally {
    await deleteTopics(kafka, prefix);
  }
  const pick = (rates: Rates[], key: keyof Rates) => median(rates.map((r) => r[key]));
  const summary = (rates: Rates[]) => ({
    produce: pick(rates, "produce"),
    consume: pick(rates, "consume"),
    produceCpu: pick(rates, "produceCpu"),
    consumeCpu: pick(rates, "consumeCpu"),
    joinMs: pick(rates, "joinMs"),
    consumeRange: [Math.min(...rates.map((r) => r.consume)), Math.max(...rates.map((r) => r.consume))],
  });
  const report = {
    brokers: o.brokers.join(","),
    events: o.events,
    batch: o.batch,
    partitions: o.partitions,
    rounds: o.rounds,
    valueBytes: bytes,
    bus: summary(bus),
    raw: summary(raw),
    runs: { bus, raw },
    machine: `${cpus().length} × ${cpus()[0]?.model ?? "?"}, load average ${loadavg()[0]!.toFixed(1)} at the end, Node ${process.version}`,
  };
  if (o.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const fmt = (n: number) => n.toLocaleString("en-US");
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  console.log(
    [
      `| per process (${fmt(o.events)} events, ${bytes}-byte values, ${o.partitions} partitions, batches of ${fmt(o.batch)}, median of ${o.rounds}) | KafkaEventBus | raw KafkaJS | bus / raw |`,
      "|---|---:|---:|---:|",
      `| produce, events/s (idempotent, acks -1, one call in flight) | ${fmt(report.bus.produce)} | ${fmt(report.raw.produce)} | ${ratio(report.bus.produce, report.raw.produce)} |`,
      `| consume, events/s (one consumer, handler per event, commit per batch) | ${fmt(report.bus.consume)} | ${fmt(report.raw.consume)} | ${ratio(report.bus.consume, report.raw.consume)} |`,
      `| consume, lowest and highest round, events/s | ${report.bus.consumeRange.map(fmt).join(" – ")} | ${report.raw.consumeRange.map(fmt).join(" – ")} | |`,
      `| produce, events per CPU-second of this process | ${fmt(report.bus.produceCpu)} | ${fmt(report.raw.produceCpu)} | ${ratio(report.bus.produceCpu, report.raw.produceCpu)} |`,
      `| consume, events per CPU-second of this process | ${fmt(report.bus.consumeCpu)} | ${fmt(report.raw.consumeCpu)} | ${ratio(report.bus.consumeCpu, report.raw.consumeCpu)} |`,
      `| join + first fetch, ms | ${fmt(Math.round(report.bus.joinMs))} | ${fmt(Math.round(report.raw.joinMs))} | |`,
      "",
      `Machine: ${report.machine}.`,
    ].join("\n"),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

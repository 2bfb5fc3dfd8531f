/**
 * The home-timeline benchmark's approaches: their keys, names, the Node flags of the process that serves a Node
 * row, and the read each Node approach makes, built from only what that approach needs.
 */
import { type Backends, createEngine, type EngineMode, naiveSql, readPage } from "./home-engines.js";

/** The approaches `--approaches` can name, in the order they run. */
export const APPROACH_KEYS = [
  "hybrid",
  "hybrid-defaults",
  "ceiling",
  "floor",
  "uncached",
  "no-post-cache",
  "separate",
  "pull",
  "naive",
] as const;
export type ApproachKey = (typeof APPROACH_KEYS)[number];
/** The approaches measured in a Node process (every one but the pgbench ceiling). */
export type NodeApproachKey = Exclude<ApproachKey, "ceiling">;

/** What runs without `--approaches`: all but `uncached` and `no-post-cache`, which are A/Bs of options. */
export const DEFAULT_APPROACHES: readonly ApproachKey[] = APPROACH_KEYS.filter(
  (key) => key !== "uncached" && key !== "no-post-cache",
);

export const HYBRID = "engine: hybrid, Redis timelines + PostgreSQL";
export const HYBRID_DEFAULTS = "engine: hybrid, as above, Node's default heap settings";
export const CEILING = "ceiling: the hybrid read's one PostgreSQL statement alone, from pgbench";
export const FLOOR = "floor: one Redis and one PostgreSQL round trip from Node, no work";

/** Each approach's name in the report. */
export const APPROACH_NAMES: Record<ApproachKey, string> = {
  hybrid: HYBRID,
  "hybrid-defaults": HYBRID_DEFAULTS,
  ceiling: CEILING,
  floor: FLOOR,
  uncached: "engine: the same, context store caches off (followee lists, post content)",
  "no-post-cache": "engine: the same, post content cache off",
  separate: "engine: the same, context in 4 queries (no homeContext)",
  pull: "engine: pull-all, PostgreSQL only",
  naive: "naive SQL (follows JOIN posts)",
};

/**
 * The heap flags we recommend for a Node process serving reads, and that every Node row runs with but
 * `hybrid-defaults`. V8 starts incremental marking as soon as the old generation's headroom to its limit is smaller
 * than the young generation's capacity; with Node 24's default young generation of up to 64 MB that keeps a server
 * with a small heap marking almost continuously. A 16 MB semi-space keeps the young generation under that headroom.
 */
export const RECOMMENDED_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=16"];

/** The flags of the child process that serves a Node approach's row: none (Node's defaults) for `hybrid-defaults`. */
export function nodeFlags(key: NodeApproachKey): readonly string[] {
  return key === "hybrid-defaults" ? [] : RECOMMENDED_NODE_FLAGS;
}

/** One Node approach's read, and how to release what it built. */
export interface NodeReader {
  /** Reads one page of 20 and returns how many items it held. */
  read: (readerId: string) => Promise<number>;
  close: () => Promise<void>;
}

const ENGINE_MODES: Partial<Record<NodeApproachKey, EngineMode>> = {
  hybrid: "hybrid",
  "hybrid-defaults": "hybrid",
  uncached: "uncached",
  "no-post-cache": "no-post-cache",
  separate: "separate",
  pull: "pull",
};

/** Builds what `key` reads through over `b`, and nothing else (no Redis client for `pull` or `naive`). */
export function nodeReader(key: NodeApproachKey, b: Backends): NodeReader {
  const mode = ENGINE_MODES[key];
  if (mode !== undefined) {
    const { engine, close } = createEngine(mode, b);
    return { read: readPage(engine), close };
  }
  const none = async () => {};
  if (key === "floor") {
    const redis = b.redis();
    return {
      // What any read built on these two servers pays on this machine before doing anything: the engine's two hops
      // (Redis, then PostgreSQL) through the same clients, with a 1-byte key and a one-value prepared statement.
      read: async (id) => {
        await redis.get(`${b.prefix}floor`);
        await b.pool.query({ name: "fe_bench_floor", text: "SELECT $1::bigint AS id", values: [id] });
        return 0;
      },
      close: none,
    };
  }
  const naive = naiveSql(b.schema);
  return { read: async (id) => (await b.pool.query(naive, [id])).rowCount ?? 0, close: none };
}

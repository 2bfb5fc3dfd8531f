/**
 * The raw ceiling of a home read's PostgreSQL part: the one statement the engine sends for a page (the reader's
 * context and the page's hydration), with the values it sends for a given reader, run by `pgbench` (C, libpq) at the
 * same offered rate. Latency counts from each transaction's scheduled start (pgbench's `--rate` lag included), as the
 * open loop of the engine's rows does, so an engine row's p99 can be set against what this machine gives that
 * statement alone.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { PgQueryable, PgQueryConfig } from "@feed-engine/adapter-postgres";
import { type OpenLoopResult, percentile } from "./open-loop.js";

/** A statement with its values, as the adapter sent it. */
export interface CapturedStatement {
  text: string;
  values: unknown[];
}

/** A queryable that forwards to `pool` and keeps the last prepared statement sent through it. */
export function capturing(pool: PgQueryable): { pool: PgQueryable; last: () => CapturedStatement | undefined } {
  let last: CapturedStatement | undefined;
  const query = ((config: PgQueryConfig | string, values?: unknown[]) => {
    if (typeof config === "string") return pool.query(config, values);
    last = { text: config.text, values: config.values };
    return pool.query(config);
  }) as PgQueryable["query"];
  return { pool: { query }, last: () => last };
}

/**
 * `value` as an SQL literal: the adapter's values are null, numbers, digit strings, arrays of digit strings and
 * array literals of digits (`{1,2,3}`).
 */
function literal(value: unknown): string {
  if (value === null) return "NULL";
  if (typeof value === "number" && Number.isInteger(value)) return String(value);
  if (typeof value === "string" && /^(\d+|\{(\d+(,\d+)*)?\})$/.test(value)) return `'${value}'`;
  if (Array.isArray(value) && value.every((item) => typeof item === "string" && /^\d+$/.test(item))) {
    return `'{${value.join(",")}}'`;
  }
  throw new Error(`pgbench ceiling: cannot inline ${JSON.stringify(value)}`);
}

/** The statement with its `$n` parameters replaced by their values, as one line for a pgbench script. */
export function inlined(statement: CapturedStatement): string {
  const text = statement.text.replace(/\$(\d+)/g, (_, n: string) => `(${literal(statement.values[Number(n) - 1])})`);
  return `${text.replace(/\s+/g, " ").trim()};\n`;
}

export interface CeilingOptions {
  postgresUrl: string;
  statement: CapturedStatement;
  rate: number;
  warmupMs: number;
  measureMs: number;
  clients: number;
}

/** Runs pgbench at `rate` for warm-up + measurement and reports the measured part like an open-loop row. */
export async function pgbenchCeiling(o: CeilingOptions): Promise<OpenLoopResult> {
  const url = new URL(o.postgresUrl);
  const dir = await mkdtemp(join(tmpdir(), "fe-pgbench-"));
  try {
    const script = join(dir, "read.sql");
    await writeFile(script, inlined(o.statement));
    const seconds = Math.ceil((o.warmupMs + o.measureMs) / 1000);
    const args = [
      ...["-h", url.hostname, "-p", url.port || "5432", "-U", decodeURIComponent(url.username || "postgres")],
      ...["-n", "-M", "prepared", "-c", String(o.clients), "-j", "1", "-R", String(o.rate), "-T", String(seconds)],
      ...[
        "-l",
        "--log-prefix",
        join(dir, "log"),
        "-f",
        script,
        decodeURIComponent(url.pathname.slice(1)) || "postgres",
      ],
    ];
    const env = { ...process.env, ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}) };
    await promisify(execFile)("pgbench", args, { env }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
      throw new Error(
        "pgbench is not on PATH: install PostgreSQL's client tools, or leave ceiling out of --approaches",
      );
    });
    // Log lines: client, transaction, latency µs, script, epoch s, µs, schedule lag µs (lag excluded from latency).
    const rows: Array<{ at: number; ms: number }> = [];
    for (const name of (await readdir(dir)).filter((file) => file.startsWith("log"))) {
      for (const line of (await readFile(join(dir, name), "utf8")).split("\n")) {
        const f = line.trim().split(/\s+/).map(Number);
        if (f.length < 7) continue;
        rows.push({ at: f[4]! * 1000 + f[5]! / 1000, ms: (f[2]! + f[6]!) / 1000 });
      }
    }
    if (rows.length === 0) throw new Error("pgbench logged no transactions");
    const start = Math.min(...rows.map((row) => row.at - row.ms));
    const measured = rows.filter((row) => row.at - row.ms >= start + o.warmupMs);
    const sorted = Float64Array.from(measured.map((row) => row.ms)).sort();
    const worst = measured.reduce((a, b) => (b.ms > a.ms ? b : a), measured[0]!);
    return {
      offeredPerSecond: o.rate,
      sent: rows.length,
      achievedPerSecond: measured.length / (o.measureMs / 1000),
      measured: measured.length,
      errors: 0,
      firstError: undefined,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? Number.NaN,
      worstAtSeconds: (worst.at - worst.ms - start) / 1000,
      saturated: false,
      stoppedAfterSeconds: undefined,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

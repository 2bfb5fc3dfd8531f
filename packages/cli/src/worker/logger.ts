/** Log levels, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** How log lines look: one JSON object per line, or `ts level msg key=value ...` for people. */
export type LogFormat = "json" | "text";

/** Extra fields of a log line. */
export type LogFields = Record<string, unknown>;

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Where log lines go: stderr, or a test double. */
export interface LogStream {
  write(text: string): unknown;
}

/**
 * A structured logger: each line is `{"ts":"<ISO 8601>","level":"info","msg":"...", ...fields}` (or the same as text),
 * written whole to the stream (stderr) so that lines of concurrent writers never interleave.
 */
export class Logger {
  readonly #out: LogStream;
  readonly #format: LogFormat;
  readonly #min: number;
  readonly #base: LogFields;
  readonly #now: () => number;

  constructor(options: {
    out: LogStream;
    format: LogFormat;
    level: LogLevel;
    /** Fields on every line (`worker`, `group`, `pid`). */
    base?: LogFields;
    now?: () => number;
  }) {
    this.#out = options.out;
    this.#format = options.format;
    this.#min = RANK[options.level];
    this.#base = options.base ?? {};
    this.#now = options.now ?? Date.now;
  }

  /** True when lines of `level` are written (to skip building fields for debug lines). */
  enabled(level: LogLevel): boolean {
    return RANK[level] >= this.#min;
  }

  debug(msg: string, fields?: LogFields): void {
    this.log("debug", msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.log("info", msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.log("warn", msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.log("error", msg, fields);
  }

  /** Writes one line, if `level` is enabled. */
  log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    if (!this.enabled(level)) return;
    const ts = new Date(this.#now()).toISOString();
    const all = { ...this.#base, ...fields };
    if (this.#format === "json") {
      this.#out.write(`${JSON.stringify({ ts, level, msg, ...all }, jsonSafe)}\n`);
      return;
    }
    const rest = Object.entries(all)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${textValue(value)}`)
      .join(" ");
    this.#out.write(`${ts} ${level.padEnd(5)} ${msg}${rest === "" ? "" : ` ${rest}`}\n`);
  }
}

/** Errors as their message (and stack, when kept in a field), bigints as strings. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (typeof value === "bigint") return value.toString();
  return value;
}

function textValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === "string") return /^[\w.:/@+-]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value, jsonSafe) ?? String(value);
}

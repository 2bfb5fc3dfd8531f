/** Receives progress from long work; the work never prints by itself. */
export interface ProgressSink {
  /** Starts a phase of `total` units (`unit` "bytes" shows MB). */
  start(label: string, total: number, unit?: string): void;
  /** Sets how many units are done; cheap enough to call on every unit. */
  update(done: number): void;
  /** Ends the phase, with an optional summary such as "1,768,135 edges". */
  end(summary?: string): void;
  /** A notice (warning, fallback) that is not part of the result. */
  log(message: string): void;
}

/** A sink that drops everything: the default for programmatic callers. */
export const silentProgress: ProgressSink = { start() {}, update() {}, end() {}, log() {} };

/** What {@link Progress} writes to: stderr, or a test double. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const REDRAW_MS = 100;
const BAR_WIDTH = 24;

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const compact = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(0)}k` : n.toFixed(n >= 100 ? 0 : 1);
const seconds = (s: number): string => (s >= 60 ? `${Math.floor(s / 60)}m${Math.round(s % 60)}s` : `${s.toFixed(1)}s`);

/**
 * A progress bar on a stream (stderr): label, bar, done/total, rate and ETA, redrawn at most 10 times a second.
 * On a TTY it redraws one line in place; otherwise (CI, pipes) it prints a single line per phase when the phase ends.
 */
export class Progress implements ProgressSink {
  readonly #out: ProgressStream;
  readonly #tty: boolean;
  readonly #now: () => number;
  #label = "";
  #unit = "";
  #total = 0;
  #done = 0;
  #startedAt = 0;
  #drawnAt = 0;
  #active = false;

  constructor(out: ProgressStream = process.stderr, now: () => number = () => performance.now()) {
    this.#out = out;
    this.#tty = out.isTTY === true;
    this.#now = now;
  }

  start(label: string, total: number, unit = ""): void {
    if (this.#active) this.end();
    this.#label = label;
    this.#total = total;
    this.#unit = unit;
    this.#done = 0;
    this.#startedAt = this.#now();
    this.#drawnAt = 0;
    this.#active = true;
    if (this.#tty) this.#draw();
  }

  update(done: number): void {
    this.#done = done;
    if (!this.#tty || !this.#active) return;
    const now = this.#now();
    if (now - this.#drawnAt >= REDRAW_MS) this.#draw(now);
  }

  end(summary?: string): void {
    if (!this.#active) return;
    this.#active = false;
    const elapsed = (this.#now() - this.#startedAt) / 1000;
    const what =
      summary ?? `${this.#amount(this.#done)}${this.#unit && this.#unit !== "bytes" ? ` ${this.#unit}` : ""}`;
    const rate = elapsed > 0 && this.#done > 0 ? `, ${this.#rate(this.#done / elapsed)}` : "";
    this.#line(`${this.#label}: ${what} in ${seconds(elapsed)}${rate}`);
  }

  log(message: string): void {
    this.#line(message);
    if (this.#active && this.#tty) this.#draw();
  }

  /** Clears a half-drawn bar (before an error or Ctrl-C message). */
  clear(): void {
    if (this.#tty && this.#active) this.#out.write("\r\x1b[2K");
  }

  #line(text: string): void {
    this.#out.write(this.#tty ? `\r\x1b[2K${text}\n` : `${text}\n`);
  }

  #amount(n: number): string {
    return this.#unit === "bytes" ? `${(n / 1e6).toFixed(1)} MB` : int(n);
  }

  #rate(perSecond: number): string {
    return this.#unit === "bytes" ? `${(perSecond / 1e6).toFixed(1)} MB/s` : `${compact(perSecond)}/s`;
  }

  #draw(now = this.#now()): void {
    this.#drawnAt = now;
    const elapsed = (now - this.#startedAt) / 1000;
    const share = this.#total > 0 ? Math.min(1, this.#done / this.#total) : 0;
    const filled = Math.round(share * BAR_WIDTH);
    const bar = `${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}`;
    const rate = elapsed > 0 ? this.#done / elapsed : 0;
    const eta = rate > 0 && this.#total > this.#done ? ` ETA ${seconds((this.#total - this.#done) / rate)}` : "";
    const counts =
      this.#unit === "bytes"
        ? `${(this.#done / 1e6).toFixed(1)}/${(this.#total / 1e6).toFixed(1)} MB`
        : `${int(this.#done)}/${int(this.#total)}${this.#unit ? ` ${this.#unit}` : ""}`;
    let text = `${this.#label} ${bar} ${counts}  ${this.#rate(rate)}${eta}`;
    // Never wrap: a wrapped line cannot be redrawn in place. Some pseudo-terminals report 0 columns.
    const width = this.#out.columns || 100;
    if (text.length > width - 1) text = text.slice(0, width - 1);
    this.#out.write(`\r\x1b[2K${text}`);
  }
}

import type { ProgressStream } from "../output/progress.js";
import type { LoadTestStatus } from "./run-load-test.js";

const rate = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));

/** One status line: `measuring 12.0/60 s  offered 200/s  achieved 199/s  outstanding 3  p99 4.10 ms  errors 0`. */
export function statusLine(s: LoadTestStatus, achievedRate: number): string {
  const p99 = s.p99 === null ? "-" : `${s.p99.toFixed(s.p99 >= 100 ? 0 : 2)} ms`;
  return [
    `load-test ${s.phase.padEnd(9)} ${s.elapsed.toFixed(1)}/${s.total} s`,
    `offered ${rate(s.offeredRate)}/s`,
    `achieved ${rate(achievedRate)}/s`,
    `outstanding ${s.outstanding}`,
    `p99 ${p99}`,
    `errors ${s.errors}`,
  ].join("  ");
}

/**
 * The live progress line of a load test on stderr: redrawn in place twice a second on a terminal, printed as a
 * plain line every 10 s and once at the end otherwise (CI logs). The achieved rate (operations settled per second) is
 * over the last interval.
 */
export class LiveLine {
  readonly #out: ProgressStream;
  readonly #tty: boolean;
  #timer: NodeJS.Timeout | undefined;
  #tick: (() => void) | undefined;
  #drawn = false;

  constructor(out: ProgressStream = process.stderr) {
    this.#out = out;
    this.#tty = out.isTTY === true;
  }

  /** Starts polling `status`. */
  start(status: () => LoadTestStatus): void {
    let last = { at: performance.now(), settled: status().settled };
    const tick = () => {
      const s = status();
      const at = performance.now();
      const achieved = at > last.at ? ((s.settled - last.settled) * 1000) / (at - last.at) : 0;
      last = { at, settled: s.settled };
      let text = statusLine(s, achieved);
      if (this.#tty) {
        const width = this.#out.columns || 100;
        if (text.length > width - 1) text = text.slice(0, width - 1);
        this.#out.write(`\r\x1b[2K${text}`);
        this.#drawn = true;
      } else this.#out.write(`${text}\n`);
    };
    this.#tick = tick;
    this.#timer = setInterval(tick, this.#tty ? 500 : 10_000);
    this.#timer.unref();
  }

  /** Stops; on a terminal the line is cleared, elsewhere a last line is printed. Idempotent. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#tick && !this.#tty) this.#tick();
    this.#timer = undefined;
    this.#tick = undefined;
    if (this.#drawn) this.#out.write("\r\x1b[2K");
    this.#drawn = false;
  }
}

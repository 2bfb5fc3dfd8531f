const MB = 1024 * 1024;

/**
 * Tracks the process's peak memory: RSS from the OS (`maxRSS`, a true peak) and V8 heap use, which has no OS peak and
 * is sampled whenever {@link MemoryPeak.sample} is called (at phase ends and every few thousand operations).
 */
export class MemoryPeak {
  #heap = 0;
  #rss = 0;

  /** Records current memory use. Costs a few microseconds. */
  sample(): void {
    const usage = process.memoryUsage();
    if (usage.heapUsed > this.#heap) this.#heap = usage.heapUsed;
    if (usage.rss > this.#rss) this.#rss = usage.rss;
  }

  /** Peak resident set size in MB, rounded to 0.1. */
  get rssMb(): number {
    this.sample();
    const osPeak = process.resourceUsage().maxRSS * 1024;
    return Math.round((Math.max(osPeak, this.#rss) / MB) * 10) / 10;
  }

  /** Peak V8 heap use seen, in MB, rounded to 0.1. */
  get heapMb(): number {
    this.sample();
    return Math.round((this.#heap / MB) * 10) / 10;
  }
}

/** Label names to values of one series. */
export type Labels = Readonly<Record<string, string>>;

/** Default histogram buckets, in seconds: 1 ms to 10 s, for handler latencies. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Escapes a label value as the Prometheus text format wants (backslash, double quote, newline). */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** `{a="1",b="2"}`, or nothing for no labels. */
function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels);
  if (extra !== undefined) pairs.push(extra);
  if (pairs.length === 0) return "";
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(",")}}`;
}

/** A number as Prometheus writes it (`+Inf`, `NaN`). */
function numberText(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Number.POSITIVE_INFINITY) return "+Inf";
  if (n === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(n);
}

const seriesKey = (labels: Labels): string => JSON.stringify(Object.entries(labels).sort());

/** One metric family: a name, its help and type, and its series. */
interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge" | "histogram";
  render(): string[];
}

/** A value per label set that only goes up (events handled, errors). */
export class Counter implements Family {
  readonly type = "counter";
  readonly #series = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** Adds `by` (default 1, never negative) to the series of `labels`. */
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new RangeError(`${this.name}: a counter only goes up (got ${by})`);
    const key = seriesKey(labels);
    const series = this.#series.get(key);
    if (series === undefined) this.#series.set(key, { labels, value: by });
    else series.value += by;
  }

  /** The value of one series (0 when it was never touched). */
  get(labels: Labels = {}): number {
    return this.#series.get(seriesKey(labels))?.value ?? 0;
  }

  /** The sum of every series whose labels include `match` (all series without it). */
  sum(match: Labels = {}): number {
    let total = 0;
    for (const { labels, value } of this.#series.values()) {
      if (Object.entries(match).every(([name, v]) => labels[name] === v)) total += value;
    }
    return total;
  }

  render(): string[] {
    return [...this.#series.values()].map((s) => `${this.name}${labelText(s.labels)} ${numberText(s.value)}`);
  }
}

/** A value per label set that is set from outside (consumer lag), replaced as a whole by each poll. */
export class Gauge implements Family {
  readonly type = "gauge";
  #series = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** Sets one series. */
  set(labels: Labels, value: number): void {
    this.#series.set(seriesKey(labels), { labels, value });
  }

  /** Replaces every series by these (series not listed disappear, e.g. partitions no longer reported). */
  replace(entries: readonly { labels: Labels; value: number }[]): void {
    this.#series = new Map(entries.map((e) => [seriesKey(e.labels), { labels: e.labels, value: e.value }]));
  }

  render(): string[] {
    return [...this.#series.values()].map((s) => `${this.name}${labelText(s.labels)} ${numberText(s.value)}`);
  }
}

/** Observations counted into cumulative buckets, with their sum and count, per label set. */
export class Histogram implements Family {
  readonly type = "histogram";
  readonly #buckets: readonly number[];
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    buckets: readonly number[] = LATENCY_BUCKETS,
  ) {
    this.#buckets = [...buckets].sort((a, b) => a - b);
  }

  /** Records one observation (seconds, for a latency). */
  observe(labels: Labels, value: number): void {
    const key = seriesKey(labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { labels, counts: this.#buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    const at = this.#buckets.findIndex((le) => value <= le);
    if (at !== -1) series.counts[at]!++;
    series.sum += value;
    series.count++;
  }

  /** How many observations a series has. */
  count(labels: Labels = {}): number {
    return this.#series.get(seriesKey(labels))?.count ?? 0;
  }

  render(): string[] {
    const lines: string[] = [];
    for (const s of this.#series.values()) {
      let cumulative = 0;
      this.#buckets.forEach((le, i) => {
        cumulative += s.counts[i]!;
        lines.push(`${this.name}_bucket${labelText(s.labels, ["le", numberText(le)])} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket${labelText(s.labels, ["le", "+Inf"])} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${numberText(s.sum)}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines;
  }
}

/**
 * The metrics of one process, rendered in the Prometheus text exposition format 0.0.4 (no client library: the format
 * is a few lines of text per series).
 */
export class MetricsRegistry {
  readonly #families = new Map<string, Family>();

  /** Registers and returns a counter. */
  counter(name: string, help: string): Counter {
    return this.#add(new Counter(name, help));
  }

  /** Registers and returns a gauge. */
  gauge(name: string, help: string): Gauge {
    return this.#add(new Gauge(name, help));
  }

  /** Registers and returns a histogram with these upper bounds (default {@link LATENCY_BUCKETS}). */
  histogram(name: string, help: string, buckets?: readonly number[]): Histogram {
    return this.#add(new Histogram(name, help, buckets));
  }

  /** Every family as text: `# HELP`, `# TYPE`, then one line per series (a bucket per line for histograms). */
  render(): string {
    const lines: string[] = [];
    for (const family of this.#families.values()) {
      lines.push(`# HELP ${family.name} ${family.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
      lines.push(`# TYPE ${family.name} ${family.type}`);
      lines.push(...family.render());
    }
    return `${lines.join("\n")}\n`;
  }

  #add<F extends Family>(family: F): F {
    if (this.#families.has(family.name)) throw new Error(`metric ${family.name} is registered twice`);
    this.#families.set(family.name, family);
    return family;
  }
}

/** The content type of {@link MetricsRegistry.render}'s output. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

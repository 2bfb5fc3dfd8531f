import { describe, expect, it } from "vitest";
import { MetricsRegistry } from "../src/metrics/metrics-registry.js";
import { workerHealth } from "../src/worker/worker-health.js";

describe("worker metrics and health (unit)", () => {
  it("renders the Prometheus text format 0.0.4: HELP, TYPE, escaped labels, cumulative histogram buckets", () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter("x_total", "Things.\nMore");
    counter.inc({ path: 'a"b\\c\nd' }, 2);
    counter.inc({ path: 'a"b\\c\nd' });
    const histogram = registry.histogram("x_seconds", "Latency.", [0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 3]) histogram.observe({ g: "f" }, v);
    registry.gauge("x_lag", "Lag.").replace([{ labels: { partition: "0" }, value: 7 }]);
    expect(registry.render()).toBe(
      [
        "# HELP x_total Things.\\nMore",
        "# TYPE x_total counter",
        'x_total{path="a\\"b\\\\c\\nd"} 3',
        "# HELP x_seconds Latency.",
        "# TYPE x_seconds histogram",
        'x_seconds_bucket{g="f",le="0.1"} 2',
        'x_seconds_bucket{g="f",le="1"} 3',
        'x_seconds_bucket{g="f",le="+Inf"} 4',
        'x_seconds_sum{g="f"} 3.65',
        'x_seconds_count{g="f"} 4',
        "# HELP x_lag Lag.",
        "# TYPE x_lag gauge",
        'x_lag{partition="0"} 7',
        "",
      ].join("\n"),
    );
    expect(() => counter.inc({}, -1)).toThrow(RangeError);
    expect(() => registry.counter("x_total", "again")).toThrow("registered twice");
  });

  it("/healthz is 200 only while subscribed and the last lag poll worked", () => {
    const base = { worker: "fanout", group: "g", handled: 0, uptimeSeconds: 1, subscribed: true };
    const ok = { at: 1, ok: true, total: 0 };
    const cases = [
      [{ phase: "running", lastLagPoll: ok }, true, "ok"],
      [{ phase: "running", lastLagPoll: "none" }, true, "ok"],
      [{ phase: "starting", lastLagPoll: undefined, subscribed: false }, false, "starting"],
      [{ phase: "running", lastLagPoll: undefined }, false, "waiting for the first lag poll"],
      [{ phase: "running", lastLagPoll: { at: 2, ok: false, error: "down" } }, false, "lag poll failing"],
      [{ phase: "stopping", lastLagPoll: ok }, false, "stopping"],
    ] as const;
    for (const [input, healthy, status] of cases) {
      const report = workerHealth({ ...base, ...input });
      expect(report.healthy, status).toBe(healthy);
      expect(report.body.status).toBe(status);
    }
  });
});

import type { HealthReport } from "../metrics/metrics-server.js";
import type { LagPoll } from "./lag-poller.js";

/** Where a worker is in its life. */
export type Phase = "starting" | "running" | "stopping";

/** What `/healthz` is judged on. */
export interface HealthInput {
  phase: Phase;
  /** True once the subscription to the group exists. */
  subscribed: boolean;
  /** The latest lag poll: `undefined` before the first, `"none"` on a bus without lag (the in-process bus). */
  lastLagPoll: LagPoll | undefined | "none";
  worker: string;
  group: string;
  handled: number;
  uptimeSeconds: number;
}

/**
 * `/healthz`: healthy (200) while the worker runs subscribed to its group and, on a bus that reports lag, its last
 * lag poll worked; otherwise 503, with a `status` saying why (`starting`, `stopping`, `waiting for the first lag
 * poll`, `lag poll failing`).
 */
export function workerHealth(input: HealthInput): HealthReport {
  const subscribed = input.phase === "running" && input.subscribed;
  const poll = input.lastLagPoll;
  const lagOk = poll === "none" || poll?.ok === true;
  const healthy = subscribed && lagOk;
  const status = healthy
    ? "ok"
    : !subscribed
      ? input.phase
      : poll === undefined
        ? "waiting for the first lag poll"
        : "lag poll failing";
  return {
    healthy,
    body: {
      status,
      worker: input.worker,
      group: input.group,
      subscribed,
      lastLagPoll: poll === "none" ? "not available on this bus" : (poll ?? null),
      handled: input.handled,
      uptimeSeconds: input.uptimeSeconds,
    },
  };
}

/**
 * What else happened in this process (the one serving a benchmark row's reads) and in PostgreSQL while the row ran:
 * the garbage collector's pauses, how late the event loop ran (a pause or a long task delays every request in flight),
 * and PostgreSQL checkpoints (their writes and fsyncs slow every backend). A row's p99 tail is read against these.
 */
import { constants, monitorEventLoopDelay, type PerformanceEntry, PerformanceObserver } from "node:perf_hooks";
import v8 from "node:v8";
import type pg from "pg";

export interface RowStalls {
  gcPauses: number;
  /** Of those, the old generation's: mark-compact and incremental-marking steps (the rest are scavenges). */
  gcMajorPauses: number;
  gcTotalMs: number;
  gcMaxMs: number;
  /** Event-loop delay over the row, sampled every millisecond: p99 and max, ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Checkpoints PostgreSQL started or finished during the row (timed + requested), and buffers they wrote. */
  checkpoints: number;
  checkpointBuffers: number;
  /** Bytes this process allocated on the JavaScript heap during the row (what the collector then had to clear). */
  allocatedBytes: number;
  /** The JavaScript heap in use when the row ended, bytes. */
  heapUsedBytes: number;
}

/** Reads PostgreSQL's checkpoint counters (pg_stat_bgwriter). */
export type CheckpointCounters = () => Promise<{ checkpoints: number; buffers: number }>;

/** PostgreSQL's checkpoint counters, read through `pool`: checkpoints begun and buffers they wrote. */
export function postgresCheckpointCounters(pool: pg.Pool): CheckpointCounters {
  return async () => {
    const { rows } = await pool.query<{ checkpoints: string; buffers: string }>(
      `SELECT (checkpoints_timed + checkpoints_req)::text AS checkpoints, buffers_checkpoint::text AS buffers
       FROM pg_stat_bgwriter`,
    );
    return { checkpoints: Number(rows[0]!.checkpoints), buffers: Number(rows[0]!.buffers) };
  };
}

/** Starts watching; the returned function stops and reports. */
export async function watchRow(counters: CheckpointCounters): Promise<() => Promise<RowStalls>> {
  const pauses: number[] = [];
  let majorPauses = 0;
  const major = constants.NODE_PERFORMANCE_GC_MAJOR | constants.NODE_PERFORMANCE_GC_INCREMENTAL;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      pauses.push(entry.duration);
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
      if ((detail?.kind ?? 0) & major) majorPauses++;
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const before = await counters();
  const heap = new v8.GCProfiler();
  const usedAtStart = v8.getHeapStatistics().used_heap_size;
  heap.start();
  return async () => {
    const { statistics: collections } = heap.stop();
    const usedAtEnd = v8.getHeapStatistics().used_heap_size;
    delay.disable();
    // Entries of pauses that ended just now are delivered on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    observer.disconnect();
    const after = await counters();
    return {
      gcPauses: pauses.length,
      gcMajorPauses: majorPauses,
      gcTotalMs: pauses.reduce((sum, ms) => sum + ms, 0),
      gcMaxMs: pauses.length === 0 ? 0 : Math.max(...pauses),
      loopDelayP99Ms: delay.percentile(99) / 1e6,
      loopDelayMaxMs: delay.max / 1e6,
      checkpoints: after.checkpoints - before.checkpoints,
      checkpointBuffers: after.buffers - before.buffers,
      allocatedBytes: allocated(usedAtStart, collections, usedAtEnd),
      heapUsedBytes: usedAtEnd,
    };
  };
}

type Collection = v8.GCProfilerResult["statistics"][number];

/** Heap growth between collections, summed: every byte allocated in the row, whether it survived or not. */
function allocated(usedAtStart: number, collections: readonly Collection[], usedAtEnd: number): number {
  let total = 0;
  let used = usedAtStart;
  for (const c of collections) {
    total += Math.max(0, c.beforeGC.heapStatistics.usedHeapSize - used);
    used = c.afterGC.heapStatistics.usedHeapSize;
  }
  return total + Math.max(0, usedAtEnd - used);
}

/**
 * Calls `work` on each item of `items` with at most `concurrency` calls in flight, pulling items lazily (a generator
 * of millions of rows is never held in memory). Rejects with the first error, after which no new item is started.
 */
export async function eachLimited<T>(
  items: Iterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed) {
      const next = iterator.next();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

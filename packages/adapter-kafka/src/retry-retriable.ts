/** How many times {@link retryRetriable} tries, and the wait before the n-th retry (ms): 50, 100, 150, ... */
const ATTEMPTS = 10;
const STEP_MS = 50;

/**
 * Runs `call`, trying again (up to 10 times, waiting a little longer each time) while it fails with an error KafkaJS
 * marks retriable, e.g. "not the leader for that topic-partition" from a broker that has just been made leader of a
 * new topic. Admin calls such as `fetchTopicOffsets` give such errors up to the caller instead of retrying them.
 */
export async function retryRetriable<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetriable(error) || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, STEP_MS * attempt));
    }
  }
}

/** True for an error KafkaJS marks retriable (`error.retriable`), looking through wrapped causes. */
export function isRetriable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if ((error as Error & { retriable?: unknown }).retriable === true) return true;
  return isRetriable(error.cause, depth + 1);
}

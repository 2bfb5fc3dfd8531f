/** Wraps a close function so that calling it again returns the first call's promise: `close()` stays idempotent. */
export function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= close();
    return closing;
  };
}

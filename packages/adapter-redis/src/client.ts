/** One reply of a pipeline: the error, or `null` and the result. */
export type PipelineReply = [error: Error | null, result: unknown];

/** The slice of an ioredis pipeline the adapters call (script commands are queued through `scripts.ts`). */
export interface RedisPipeline {
  del(key: string): unknown;
  zadd(key: string, gt: "GT", ...scoreMembers: (string | number)[]): unknown;
  zmscore(key: string, ...members: string[]): unknown;
  exec(): Promise<PipelineReply[] | null>;
}

/**
 * The slice of an ioredis client the adapters call: a standalone `Redis` or a `Cluster`. The caller creates it and
 * owns its lifecycle; the adapters define their Lua commands on it (`defineCommand`) and never close it.
 */
export interface RedisClient {
  /** `true` for an ioredis `Cluster`: batches are then grouped by node, one pipeline per node. */
  readonly isCluster: boolean;
  /** Cluster only: for each of the 16,384 slots, the nodes serving it (`host:port`), master first. */
  readonly slots?: ReadonlyArray<readonly string[] | undefined>;
  /** The client's options; only `keyPrefix` is read (it must not contain a hash tag). */
  readonly options?: { readonly keyPrefix?: string | undefined };
  pipeline(): RedisPipeline;
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number; readOnly?: boolean }): void;
}

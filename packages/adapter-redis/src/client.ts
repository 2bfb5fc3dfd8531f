/** One reply of a pipeline: the error, or `null` and the result. */
export type PipelineReply = [error: Error | null, result: unknown];

/**
 * The commands the adapters send (script commands go through `scripts.ts`): a pipeline queues them, and its `exec`
 * has the replies; a client sends them at once and each returns a promise of its reply.
 */
export interface RedisCommands {
  del(key: string): unknown;
  zadd(key: string, gt: "GT", ...scoreMembers: (string | number)[]): unknown;
  zmscore(key: string, ...members: string[]): unknown;
}

/** The slice of an ioredis pipeline the adapters call. */
export interface RedisPipeline extends RedisCommands {
  exec(): Promise<PipelineReply[] | null>;
}

/**
 * The slice of an ioredis client the adapters call: a standalone `Redis` or a `Cluster`. The caller creates it and
 * owns its lifecycle; the adapters define their Lua commands on it (`defineCommand`) and never close it.
 */
export interface RedisClient extends RedisCommands {
  /** `true` for an ioredis `Cluster`: batches are then grouped by node, one pipeline per node. */
  readonly isCluster: boolean;
  /** Cluster only: for each of the 16,384 slots, the nodes serving it (`host:port`), master first. */
  readonly slots?: ReadonlyArray<readonly string[] | undefined>;
  /** The client's options; only `keyPrefix` is read (it must not contain a hash tag). */
  readonly options?: { readonly keyPrefix?: string | undefined };
  pipeline(): RedisPipeline;
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number; readOnly?: boolean }): void;
}

/** Offsets by topic, then partition. */
export type OffsetMap = Map<string, Map<number, number>>;

/** A partition where a group is behind: it committed `committed` (-1: nothing known) of `end`. */
export interface Shortfall {
  group: string;
  topic: string;
  partition: number;
  committed: number;
  end: number;
}

/**
 * What a bus knows of offsets without asking Kafka: the end of each partition it published to (from Kafka's acks)
 * and the highest offset each group was seen to have committed. Both only grow, so a group known to have reached an
 * end has reached it for good, and `drain()` asks Kafka only about groups that are not known to be done.
 */
export class OffsetTracker {
  readonly #ends: OffsetMap = new Map();
  readonly #committed = new Map<string, OffsetMap>();

  /** Records that `topic[partition]` holds at least `end` offsets. */
  noteEnd(topic: string, partition: number, end: number): void {
    raise(this.#ends, topic, partition, end);
  }

  /** Records that `group` committed `offset` (the next offset it will read) on `topic[partition]`. */
  noteCommitted(group: string, topic: string, partition: number, offset: number): void {
    const offsets = this.#committed.get(group) ?? new Map();
    this.#committed.set(group, offsets);
    raise(offsets, topic, partition, offset);
  }

  /** The ends this bus published up to, merged with `more` (e.g. the end offsets Kafka reported). */
  ends(more?: OffsetMap): OffsetMap {
    const ends: OffsetMap = new Map([...this.#ends].map(([topic, partitions]) => [topic, new Map(partitions)]));
    for (const [topic, partitions] of more ?? []) {
      for (const [partition, end] of partitions) raise(ends, topic, partition, end);
    }
    return ends;
  }

  /** Where `group` is not known to have committed up to `ends`. */
  shortfalls(group: string, ends: OffsetMap): Shortfall[] {
    const committed = this.#committed.get(group);
    const short: Shortfall[] = [];
    for (const [topic, partitions] of ends) {
      for (const [partition, end] of partitions) {
        const at = committed?.get(topic)?.get(partition) ?? -1;
        if (end > 0 && at < end) short.push({ group, topic, partition, committed: at, end });
      }
    }
    return short;
  }
}

function raise(offsets: OffsetMap, topic: string, partition: number, value: number): void {
  const partitions = offsets.get(topic) ?? new Map<number, number>();
  offsets.set(topic, partitions);
  if (!((partitions.get(partition) ?? -1) >= value)) partitions.set(partition, value);
}

import { compareIds, type PostId } from "../ids/id.js";

/** A stream of candidate entry ids, newest first, read in chunks. */
export interface CandidateSource {
  /** Up to `limit` ids strictly below `before` (all ids when undefined), newest first. */
  fetch(before: PostId | undefined, limit: number): Promise<PostId[]>;
  /** The largest id this source can ever yield; lets the merger leave it unread while others have newer ids. */
  ceiling?: PostId;
}

interface SourceState {
  source: CandidateSource;
  buffer: PostId[];
  pos: number;
  exhausted: boolean;
  chunk: number;
}

const MAX_CHUNK = 400;

/**
 * Whether a source must be read before the next id can be chosen, given the newest id buffered anywhere: its buffer
 * is used up and it is not exhausted, and it has no ceiling or nothing buffered is above that ceiling.
 */
function mustRead(s: SourceState, newest: PostId | undefined): boolean {
  if (s.exhausted || s.pos < s.buffer.length) return false;
  const ceiling = s.source.ceiling;
  return ceiling === undefined || newest === undefined || compareIds(ceiling, newest) >= 0;
}

/**
 * Merges several newest-first sources into one newest-first stream without duplicates. Sources are read lazily, a
 * chunk at a time (chunks double as a read goes deeper), and a source whose ceiling is below another source's next id
 * is not read at all yet — so the source-of-truth fallback below a timeline's floor costs nothing on pages above it.
 */
export class CandidateMerger {
  readonly #states: SourceState[];
  #last: PostId | undefined;

  constructor(sources: readonly CandidateSource[], before: PostId | undefined, firstChunk: number) {
    this.#states = sources.map((source) => ({ source, buffer: [], pos: 0, exhausted: false, chunk: firstChunk }));
    this.#last = before;
  }

  /** The next `n` ids (fewer only when every source is exhausted). */
  async next(n: number): Promise<PostId[]> {
    const out: PostId[] = [];
    while (out.length < n) {
      // Most steps take an id already buffered: only a step that must read awaits (a page is ~21 steps). The loops
      // on this path index rather than iterate: V8 left an iterator object per for-of here, 10 KiB a page.
      if (this.#mustFetch()) await this.#refill();
      const states = this.#states;
      let best: SourceState | undefined;
      for (let i = 0; i < states.length; i++) {
        const s = states[i]!;
        const head = s.buffer[s.pos];
        if (head !== undefined && (best === undefined || compareIds(head, best.buffer[best.pos]!) > 0)) best = s;
      }
      if (best === undefined) break;
      const id = best.buffer[best.pos]!;
      for (let i = 0; i < states.length; i++) if (states[i]!.buffer[states[i]!.pos] === id) states[i]!.pos++;
      out.push(id);
      this.#last = id;
    }
    return out;
  }

  /**
   * Reads a chunk for every source that needs one to decide the next id: first the sources without a ceiling, then a
   * ceilinged source only if no buffered id is above its ceiling (so a page that ends above a timeline's floor never
   * reads the source of truth below it, not even on its first refill).
   */
  async #refill(): Promise<void> {
    await Promise.all(
      this.#states.filter((s) => s.source.ceiling === undefined && mustRead(s, undefined)).map((s) => this.#fetch(s)),
    );
    const newest = this.#newestHead();
    await Promise.all(
      this.#states.filter((s) => s.source.ceiling !== undefined && mustRead(s, newest)).map((s) => this.#fetch(s)),
    );
  }

  /** Whether {@link #refill} would read any source now (its rule, without allocating or awaiting). */
  #mustFetch(): boolean {
    const newest = this.#newestHead();
    for (let i = 0; i < this.#states.length; i++) if (mustRead(this.#states[i]!, newest)) return true;
    return false;
  }

  #newestHead(): PostId | undefined {
    let newest: PostId | undefined;
    for (let i = 0; i < this.#states.length; i++) {
      const s = this.#states[i]!;
      const head = s.buffer[s.pos];
      if (head !== undefined && (newest === undefined || compareIds(head, newest) > 0)) newest = head;
    }
    return newest;
  }

  async #fetch(s: SourceState): Promise<void> {
    const ids = await s.source.fetch(this.#below(s), s.chunk);
    s.buffer = ids;
    s.pos = 0;
    if (ids.length < s.chunk) s.exhausted = true;
    s.chunk = Math.min(s.chunk * 2, MAX_CHUNK);
  }

  /** Where a source continues: below its own last id, or below the stream's position. */
  #below(s: SourceState): PostId | undefined {
    const own = s.buffer.length > 0 ? s.buffer[s.buffer.length - 1] : undefined;
    if (own === undefined) return this.#last;
    if (this.#last === undefined) return own;
    return compareIds(own, this.#last) < 0 ? own : this.#last;
  }
}

/** A growable pair of `Uint32Array`s for building an {@link EdgeGraph} without boxing every edge. */
export class EdgeBuffer {
  #from = new Uint32Array(1 << 16);
  #to = new Uint32Array(1 << 16);
  /** Edges added so far. */
  length = 0;

  /** Appends the edge `a -> b` (indexes). */
  push(a: number, b: number): void {
    if (this.length === this.#from.length) {
      const from = new Uint32Array(this.length * 2);
      const to = new Uint32Array(this.length * 2);
      from.set(this.#from);
      to.set(this.#to);
      this.#from = from;
      this.#to = to;
    }
    this.#from[this.length] = a;
    this.#to[this.length] = b;
    this.length++;
  }

  /** Trimmed copies of the two arrays. */
  finish(): { from: Uint32Array; to: Uint32Array } {
    return { from: this.#from.slice(0, this.length), to: this.#to.slice(0, this.length) };
  }
}

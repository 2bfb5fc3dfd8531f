import { describe, expect, it } from "vitest";
import { CandidateMerger, type CandidateSource } from "../src/timeline/candidate-merger.js";

/** A source over fixed newest-first ids that counts its reads. */
function source(ids: string[], ceiling?: string): CandidateSource & { reads: number } {
  const s = {
    reads: 0,
    ...(ceiling === undefined ? {} : { ceiling }),
    fetch: async (before: string | undefined, limit: number) => {
      s.reads++;
      const below = before === undefined ? ids : ids.filter((id) => BigInt(id) < BigInt(before));
      return below.slice(0, limit);
    },
  };
  return s;
}

describe("CandidateMerger", () => {
  it("merges newest first without duplicates, across chunks", async () => {
    const a = source(["30", "20", "10", "9"]);
    const b = source(["25", "20", "11", "2"]);
    const merger = new CandidateMerger([a, b], undefined, 2);
    expect(await merger.next(10)).toEqual(["30", "25", "20", "11", "10", "9", "2"]);
  });

  it("does not read a source whose ceiling is below what the others already offer, even on the first read", async () => {
    const above = source(["100", "90", "80", "70"]);
    const below = source(["50", "40"], "60");
    const merger = new CandidateMerger([above, below], undefined, 3);
    expect(await merger.next(3)).toEqual(["100", "90", "80"]);
    expect(below.reads).toBe(0);
    expect(await merger.next(10)).toEqual(["70", "50", "40"]);
    expect(below.reads).toBe(1);
  });

  it("reads the ceilinged source at once when the others are empty", async () => {
    const none = source([]);
    const below = source(["5", "4"], "60");
    expect(await new CandidateMerger([none, below], undefined, 3).next(5)).toEqual(["5", "4"]);
  });
});

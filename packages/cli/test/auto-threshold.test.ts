import { describe, expect, it } from "vitest";
import { autoThreshold, countAtOrAbove } from "../src/demo/auto-threshold.js";

describe("autoThreshold", () => {
  it("picks the smallest 1/2/5 x 10^k that at most 0.1% of accounts reach", () => {
    // 10,000 accounts: at most 10 may reach the threshold.
    const followers = new Uint32Array(10_000).fill(3);
    for (let i = 0; i < 10; i++) followers[i] = 5_000 + i;
    followers[10] = 900; // the 11th largest must stay below
    expect(autoThreshold(followers)).toBe(1_000);
    followers[10] = 1_000;
    expect(autoThreshold(followers)).toBe(2_000);
    followers[10] = 2_500;
    expect(autoThreshold(followers)).toBe(5_000);
    expect(countAtOrAbove(followers, 5_000)).toBe(10);
  });

  it("lowers the threshold to a round number at or below mustPull", () => {
    const followers = new Uint32Array(2_000).fill(5);
    followers[0] = 1_900;
    followers[1] = 1_800;
    followers[2] = 1_700; // 0.1% of 2,000 allows 2 accounts: the rule alone says 2,000
    expect(autoThreshold(followers)).toBe(2_000);
    expect(autoThreshold(followers, 1_700)).toBe(1_000);
    expect(autoThreshold(followers, 50_000)).toBe(2_000);
    expect(autoThreshold(followers, 20)).toBe(100);
  });

  it("never goes below 100", () => {
    expect(autoThreshold(new Uint32Array(100).fill(1))).toBe(100);
    expect(autoThreshold([])).toBe(100);
  });
});

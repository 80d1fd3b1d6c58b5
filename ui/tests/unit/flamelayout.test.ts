import { describe, expect, it } from "vitest";
import { flameLevels } from "../../src/flamelayout";

const N = 0xffffffff;

describe("flameLevels", () => {
  it("puts sequential children on one level under their parent", () => {
    // root [0,100) with children [0,10) and [20,30)
    const l = flameLevels(3, [N, 0, 0], [0, 0, 20], [100, 10, 10]);
    expect([...l.level]).toEqual([0, 1, 1]);
    expect(l.levels).toBe(2);
  });

  it("stacks overlapping siblings with their subtrees", () => {
    // root; a [0,50) with child a1 [0,40); b [10,60) overlaps a
    const l = flameLevels(4, [N, 0, 1, 0], [0, 0, 0, 10], [100, 50, 40, 50]);
    // a at 1, a1 at 2, b below a's whole subtree: 3
    expect([...l.level]).toEqual([0, 1, 2, 3]);
    expect(l.levels).toBe(4);
  });

  it("reuses the top lane once the overlap is over", () => {
    // a [0,10), b [5,15) overlaps, c [20,30) after both
    const l = flameLevels(4, [N, 0, 0, 0], [0, 0, 5, 20], [40, 10, 10, 10]);
    expect([...l.level]).toEqual([0, 1, 2, 1]);
  });

  it("never draws two overlapping rows on one level", () => {
    // 200 parallel tool calls under one agent, each with a child.
    const n = 1 + 200 * 2;
    const parent = [N];
    const offset = [0];
    const duration = [1000];
    for (let k = 0; k < 200; k++) {
      parent.push(0, parent.length);
      offset.push(k, k);
      duration.push(100, 50);
    }
    const l = flameLevels(n, parent, offset, duration);
    const byLevel = new Map<number, [number, number][]>();
    for (let i = 0; i < n; i++) {
      const lv = l.level[i] ?? 0;
      const list = byLevel.get(lv) ?? [];
      list.push([offset[i] ?? 0, (offset[i] ?? 0) + (duration[i] ?? 0)]);
      byLevel.set(lv, list);
    }
    // Past the tracked lanes overlaps are allowed; up to them, none.
    for (const [lv, list] of byLevel) {
      if (lv > 64) continue;
      list.sort((a, b) => a[0] - b[0]);
      for (let j = 1; j < list.length; j++)
        expect((list[j]?.[0] ?? 0) >= (list[j - 1]?.[1] ?? 0) || lv === 0).toBe(true);
    }
  });

  it("lays out a chain of 1,000,000 without recursion", () => {
    const n = 1_000_000;
    const parent = new Uint32Array(n).map((_, i) => (i === 0 ? N : i - 1));
    const offset = new Float64Array(n);
    const duration = new Float64Array(n).fill(10);
    const l = flameLevels(n, parent, offset, duration);
    expect(l.level[n - 1]).toBe(n - 1);
  });
});

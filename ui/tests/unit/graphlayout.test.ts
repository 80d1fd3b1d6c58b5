import { describe, expect, it } from "vitest";
import { layout } from "../../src/graphlayout";

describe("layout", () => {
  it("puts callers left of callees, a layer per longest path", () => {
    // 0 -> 1 -> 2, 0 -> 2, 0 -> 3
    const l = layout(4, [0, 1, 0, 0], [1, 2, 2, 3]);
    expect([...l.layer]).toEqual([0, 1, 2, 1]);
    expect(l.layers).toBe(3);
    expect(l.tallest).toBe(2);
  });

  it("breaks cycles and ignores self-loops", () => {
    const l = layout(3, [0, 1, 2, 2], [1, 2, 0, 2]);
    expect([...l.layer]).toEqual([0, 1, 2]);
  });

  it("lays out a chain of 100,000 without recursion", () => {
    const n = 100_000;
    const from = new Uint32Array(n - 1).map((_, i) => i);
    const to = new Uint32Array(n - 1).map((_, i) => i + 1);
    const l = layout(n, from, to);
    expect(l.layer[n - 1]).toBe(n - 1);
  });

  it("keeps each layer's rows distinct", () => {
    const l = layout(5, [0, 0, 0, 0], [1, 2, 3, 4]);
    const rows = [1, 2, 3, 4].map((v) => l.row[v]);
    expect(new Set(rows).size).toBe(4);
  });

  it("wraps a layer of hundreds into balanced columns of distinct cells", () => {
    // One agent calling 250 tools: 16 columns of at most 16 rows, not one of 250.
    const n = 251;
    const from = new Uint32Array(n - 1);
    const to = new Uint32Array(n - 1).map((_, i) => i + 1);
    const l = layout(n, from, to);
    expect(l.columns).toBe(1 + 16);
    expect(l.tallest).toBe(16);
    const cells = new Set([...Array(n).keys()].map((v) => `${l.col[v]},${l.row[v]}`));
    expect(cells.size).toBe(n);
    for (let v = 1; v < n; v++) expect(l.col[v]).toBeGreaterThan(l.col[0] ?? 0);
  });
});

// The trace views' shared state: marker grouping, selection, the time window.
import { describe, expect, it } from "vitest";
import type { Columns } from "../../src/columns";
import { groupMarkers, TraceModel } from "../../src/model";

function cols(rows: number, endNs: number): Columns {
  const z = () => new Float64Array(rows);
  const u = () => new Uint32Array(rows);
  return {
    rows,
    offset: z(),
    duration: z(),
    selfNs: z(),
    node: u(),
    parent: u(),
    depth: u(),
    name: u(),
    service: u(),
    flags: new Uint16Array(rows),
    cls: new Uint8Array(rows),
    state: new Uint8Array(rows),
    strings: [],
    endNs,
  };
}

describe("groupMarkers", () => {
  it("groups markers by row and drops rows out of range", () => {
    const g = groupMarkers(3, {
      row: [2, 0, 2, 5, 0],
      offset_ns: [1, 2, 3, 4, 5],
      kind: [0, 1, 0, 0, 1],
      name: [0, 1, 0, 0, 1],
      names: ["a", "b"],
    });
    expect(Array.from(g.start)).toEqual([0, 2, 2, 4]);
    const of = (r: number) => Array.from(g.order.slice(g.start[r], g.start[r + 1]));
    expect(of(0)).toEqual([1, 4]);
    expect(of(1)).toEqual([]);
    expect(of(2)).toEqual([0, 2]);
  });
});

describe("TraceModel", () => {
  it("selects rows in range only and tells the listener", () => {
    const m = new TraceModel();
    const seen: number[] = [];
    m.onSelect = (r) => seen.push(r);
    m.load("t", cols(4, 1e6));
    m.select(2);
    m.select(4);
    m.select(-1);
    expect(m.selected).toBe(2);
    expect(seen).toEqual([2]);
  });

  it("keeps the window at least a microsecond and zooms around a point", () => {
    const m = new TraceModel();
    m.load("t", cols(1, 1e6));
    expect([m.t0, m.t1]).toEqual([0, 1e6]);
    m.zoom(0.5, 5e5);
    expect([m.t0, m.t1]).toEqual([2.5e5, 7.5e5]);
    m.setWindow(10, 20);
    expect(m.t1 - m.t0).toBe(1000);
    m.resetWindow();
    expect([m.t0, m.t1]).toEqual([0, 1e6]);
  });

  it("marks search matches and ignores rows past the end", () => {
    const m = new TraceModel();
    m.load("t", cols(3, 1));
    m.setMatches([0, 2, 9]);
    expect(Array.from(m.matches)).toEqual([1, 0, 1]);
  });
});

// The trace views' one key handler.
import { describe, expect, it } from "vitest";
import type { Columns } from "../../src/columns";
import { TraceModel } from "../../src/model";
import { viewKey } from "../../src/viewkeys";

function key(k: string): KeyboardEvent & { prevented: boolean } {
  const e = {
    key: k,
    prevented: false,
    preventDefault() {
      e.prevented = true;
    },
  };
  return e as unknown as KeyboardEvent & { prevented: boolean };
}

function model(): TraceModel {
  const m = new TraceModel();
  const z = new Float64Array(1);
  const u = new Uint32Array(1);
  const c: Columns = {
    rows: 1,
    offset: z,
    duration: z,
    selfNs: z,
    node: u,
    parent: u,
    depth: u,
    name: u,
    service: u,
    flags: new Uint16Array(1),
    cls: new Uint8Array(1),
    state: new Uint8Array(1),
    strings: [],
    endNs: 1e6,
  };
  m.load("t", c);
  return m;
}

describe("viewKey", () => {
  it("sends the same keys to the same moves in every view", () => {
    const seen: string[] = [];
    const moves = { up: () => seen.push("up"), down: () => seen.push("down"), activate: () => seen.push("go") };
    for (const k of ["k", "ArrowUp", "j", "ArrowDown", "Enter", " "])
      expect(viewKey(model(), moves, key(k)).valueOf()).toBe(true);
    expect(seen).toEqual(["up", "up", "down", "down", "go", "go"]);
  });

  it("leaves a key alone when the view has no such move, and zooms for all", () => {
    const m = model();
    const e = key("PageDown");
    expect(viewKey(m, {}, e)).toBe(false);
    expect(e.prevented).toBe(false);
    const z = key("+");
    expect(viewKey(m, {}, z)).toBe(true);
    expect(z.prevented).toBe(true);
    expect(m.t1 - m.t0).toBeCloseTo(0.8e6);
    viewKey(m, {}, key("0"));
    expect([m.t0, m.t1]).toEqual([0, 1e6]);
  });
});

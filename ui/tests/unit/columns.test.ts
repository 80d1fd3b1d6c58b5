// The binary columns as the service writes them (layout: crates/tracelens-service/src/columns.rs).
import { describe, expect, it } from "vitest";
import { decodeColumns, fmtNs, fmtUsd, rowOfNode, subtreeEnd } from "../../src/columns";
import { COLUMNS_MAGIC, FLAG_ERROR, FLAG_HAS_CHILDREN } from "../../src/wire";

/** Writes a TLC1 buffer the way columns.rs does: rows as [offset, duration, self, node, parent, depth, name, service, flags, cls, state]. */
function encode(rows: number[][], strings: string[], version = 1): ArrayBuffer {
  const n = rows.length;
  const enc = new TextEncoder();
  const bytes = strings.map((s) => enc.encode(s));
  let size = 16 + n * (24 + 20 + 2 + 2);
  size = Math.ceil(size / 4) * 4;
  for (const b of bytes) size += 4 + b.length;
  const buf = new ArrayBuffer(size);
  const dv = new DataView(buf);
  for (let i = 0; i < 4; i++) dv.setUint8(i, COLUMNS_MAGIC.charCodeAt(i));
  dv.setUint32(4, version, true);
  dv.setUint32(8, n, true);
  dv.setUint32(12, strings.length, true);
  let at = 16;
  for (const col of [0, 1, 2])
    for (const r of rows) {
      dv.setFloat64(at, r[col] ?? 0, true);
      at += 8;
    }
  for (const col of [3, 4, 5, 6, 7])
    for (const r of rows) {
      dv.setUint32(at, r[col] ?? 0, true);
      at += 4;
    }
  for (const r of rows) {
    dv.setUint16(at, r[8] ?? 0, true);
    at += 2;
  }
  for (const col of [9, 10])
    for (const r of rows) {
      dv.setUint8(at, r[col] ?? 0);
      at += 1;
    }
  at = Math.ceil(at / 4) * 4;
  for (const b of bytes) {
    dv.setUint32(at, b.length, true);
    new Uint8Array(buf, at + 4, b.length).set(b);
    at += 4 + b.length;
  }
  return buf;
}

const tree = encode(
  [
    [0, 100, 40, 7, 0xffffffff, 0, 0, 1, FLAG_HAS_CHILDREN, 0, 1],
    [10, 50, 50, 3, 0, 1, 2, 1, FLAG_ERROR, 1, 0],
    [70, 45, 45, 9, 0, 1, 2, 1, 0, 2, 4],
  ],
  ["supervisor", "svc", "call ✓"],
);

describe("decodeColumns", () => {
  it("reads every column and the strings", () => {
    const c = decodeColumns(tree);
    expect(c.rows).toBe(3);
    expect(Array.from(c.offset)).toEqual([0, 10, 70]);
    expect(Array.from(c.node)).toEqual([7, 3, 9]);
    expect(Array.from(c.parent)).toEqual([0xffffffff, 0, 0]);
    expect(Array.from(c.depth)).toEqual([0, 1, 1]);
    expect(Array.from(c.flags)).toEqual([FLAG_HAS_CHILDREN, FLAG_ERROR, 0]);
    expect(Array.from(c.cls)).toEqual([0, 1, 2]);
    expect(Array.from(c.state)).toEqual([1, 0, 4]);
    expect(c.strings).toEqual(["supervisor", "svc", "call ✓"]);
    // The latest end, not the first row's.
    expect(c.endNs).toBe(115);
  });

  it("refuses another magic or version", () => {
    const bad = tree.slice(0);
    new DataView(bad).setUint8(0, 0x58);
    expect(() => decodeColumns(bad)).toThrow(/not a Tracelens columns buffer/);
    expect(() => decodeColumns(encode([], [], 2))).toThrow(/version 2/);
  });

  it("maps nodes to rows and finds a subtree's end", () => {
    const c = decodeColumns(tree);
    expect(rowOfNode(c).get(9)).toBe(2);
    expect(subtreeEnd(c, 0)).toBe(3);
    expect(subtreeEnd(c, 1)).toBe(2);
  });
});

describe("fmtNs", () => {
  it("picks the unit by size", () => {
    expect(fmtNs(999)).toBe("999ns");
    expect(fmtNs(1500)).toBe("1.5µs");
    expect(fmtNs(2_500_000)).toBe("2.50ms");
    expect(fmtNs(3e9)).toBe("3.00s");
    expect(fmtNs(90e9)).toBe("1m30s");
    expect(fmtNs(307.5 * 60e9)).toBe("5h07m");
  });
});

describe("fmtUsd", () => {
  it("gives cents for dollars, four places below one, a dash when unknown", () => {
    expect(fmtUsd(12.345)).toBe("$12.35");
    expect(fmtUsd(0.0123)).toBe("$0.0123");
    expect(fmtUsd(null)).toBe("–");
    expect(fmtUsd(Number.NaN)).toBe("–");
  });
});

// Decodes the waterfall's binary columns (layout: crates/tracelens-service/src/columns.rs)
// into typed-array views over the one buffer: no per-span objects.

import { COLUMNS_MAGIC, COLUMNS_VERSION } from "./wire";

export interface Columns {
  rows: number;
  offset: Float64Array;
  duration: Float64Array;
  selfNs: Float64Array;
  node: Uint32Array;
  parent: Uint32Array;
  depth: Uint32Array;
  name: Uint32Array;
  service: Uint32Array;
  flags: Uint16Array;
  cls: Uint8Array;
  state: Uint8Array;
  strings: string[];
  /** Latest end among the rows: the trace's span on the time axis. */
  endNs: number;
}

export function decodeColumns(buf: ArrayBuffer): Columns {
  const dv = new DataView(buf);
  const magic = String.fromCharCode(dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3));
  if (magic !== COLUMNS_MAGIC) throw new Error("not a Tracelens columns buffer");
  const version = dv.getUint32(4, true);
  if (version !== COLUMNS_VERSION) throw new Error(`columns version ${version} is not supported`);
  const n = dv.getUint32(8, true);
  const m = dv.getUint32(12, true);
  let at = 16;
  const f64 = () => {
    const a = new Float64Array(buf, at, n);
    at += 8 * n;
    return a;
  };
  const u32 = () => {
    const a = new Uint32Array(buf, at, n);
    at += 4 * n;
    return a;
  };
  const offset = f64(),
    duration = f64(),
    selfNs = f64();
  const node = u32(),
    parent = u32(),
    depth = u32(),
    name = u32(),
    service = u32();
  const flags = new Uint16Array(buf, at, n);
  at += 2 * n;
  const cls = new Uint8Array(buf, at, n);
  at += n;
  const state = new Uint8Array(buf, at, n);
  at += n;
  at = Math.ceil(at / 4) * 4;
  const dec = new TextDecoder();
  const strings: string[] = [];
  for (let i = 0; i < m; i++) {
    const len = dv.getUint32(at, true);
    strings.push(dec.decode(new Uint8Array(buf, at + 4, len)));
    at += 4 + len;
  }
  let endNs = 0;
  for (let i = 0; i < n; i++) endNs = Math.max(endNs, (offset[i] ?? 0) + (duration[i] ?? 0));
  return { rows: n, offset, duration, selfNs, node, parent, depth, name, service, flags, cls, state, strings, endNs };
}

/** Nanoseconds for people: 850ns, 12.3µs, 4.56ms, 1.23s, 2m03s, 5h07m (as the CLI writes them). */
/** Dollars: cents for most sums, more digits for the small ones of a few
 * calls; a dash when unknown. */
export function fmtUsd(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return "–";
  return v >= 1 ? `$${v.toFixed(2)}` : `$${v.toFixed(4)}`;
}

export function fmtNs(ns: number): string {
  const two = (n: number) => String(n).padStart(2, "0");
  if (ns >= 3600e9) {
    const m = Math.floor(ns / 60e9);
    return `${Math.floor(m / 60)}h${two(m % 60)}m`;
  }
  if (ns >= 60e9) {
    const s = Math.floor(ns / 1e9);
    return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  }
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)}s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)}ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)}µs`;
  return `${Math.round(ns)}ns`;
}

/** Row of each node id (node ids index the service's tree; rows are waterfall order). */
export function rowOfNode(c: Columns): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < c.rows; i++) m.set(c.node[i] ?? 0, i);
  return m;
}

/** End row (exclusive) of the subtree starting at `row`: rows are in preorder. */
export function subtreeEnd(c: Columns, row: number): number {
  const d = c.depth[row] ?? 0;
  let j = row + 1;
  while (j < c.rows && (c.depth[j] ?? 0) > d) j++;
  return j;
}

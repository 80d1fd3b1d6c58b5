// What the trace views share: the columns, the selected row, the search
// matches and the time window. Views subscribe and redraw on the next frame;
// a change made in one view (select in the flame graph) shows in the other.

import type { Markers } from "./wire";
import type { Columns } from "./columns";

export type Change = "trace" | "select" | "window" | "matches" | "markers" | "filter";

/** Event markers grouped by row: row r's markers are `order[start[r]..start[r+1]]`. */
export interface RowMarkers {
  start: Uint32Array;
  order: Uint32Array;
  offset: Float64Array;
  kind: Uint8Array;
  name: Uint32Array;
  names: string[];
}

export function groupMarkers(rows: number, m: Markers): RowMarkers {
  const n = m.row.length;
  const start = new Uint32Array(rows + 1);
  for (const r of m.row) if (r < rows) start[r + 1] = (start[r + 1] ?? 0) + 1;
  for (let i = 0; i < rows; i++) start[i + 1] = (start[i + 1] ?? 0) + (start[i] ?? 0);
  const fill = start.slice(0, rows);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const r = m.row[i] ?? 0;
    if (r >= rows) continue;
    const at = fill[r] ?? 0;
    order[at] = i;
    fill[r] = at + 1;
  }
  return {
    start,
    order,
    offset: Float64Array.from(m.offset_ns),
    kind: Uint8Array.from(m.kind),
    name: Uint32Array.from(m.name),
    names: m.names,
  };
}

export class TraceModel {
  cols: Columns | null = null;
  traceId = "";
  selected = -1;
  /** 1 for each row the in-trace search matched. */
  matches: Uint8Array = new Uint8Array(0);
  matchRows: number[] = [];
  markers: RowMarkers | null = null;
  /** The in-trace filter's mask, one byte per row (0 hidden, 1 kept as an
   * ancestor of a match, 2 a match), or null when nothing is filtered. */
  filter: Uint8Array | null = null;
  t0 = 0;
  t1 = 1;
  private listeners: ((c: Change) => void)[] = [];
  /** Called when the user selects a row (not when the selection is cleared). */
  onSelect: (row: number) => void = () => {};
  /** Draw durations in ms, newest last (the UI benchmark reads them). */
  readonly drawTimes: number[] = [];

  subscribe(f: (c: Change) => void): void {
    this.listeners.push(f);
  }

  private emit(c: Change): void {
    for (const f of this.listeners) f(c);
  }

  load(id: string, cols: Columns): void {
    this.traceId = id;
    this.cols = cols;
    this.selected = -1;
    this.matches = new Uint8Array(cols.rows);
    this.matchRows = [];
    this.markers = null;
    this.filter = null;
    this.t0 = 0;
    this.t1 = Math.max(cols.endNs, 1);
    this.emit("trace");
  }

  select(row: number): void {
    const c = this.cols;
    if (!c || row < 0 || row >= c.rows) return;
    this.selected = row;
    this.emit("select");
    this.onSelect(row);
  }

  setWindow(t0: number, t1: number): void {
    const min = 1000;
    if (t1 - t0 < min) t1 = t0 + min;
    this.t0 = t0;
    this.t1 = t1;
    this.emit("window");
  }

  resetWindow(): void {
    if (this.cols) this.setWindow(0, Math.max(this.cols.endNs, 1));
  }

  /** Zooms the window by `factor` around time `at`. */
  zoom(factor: number, at: number): void {
    const span = this.t1 - this.t0;
    const ns = Math.max(1000, span * factor);
    const t0 = at - ((at - this.t0) / span) * ns;
    this.setWindow(t0, t0 + ns);
  }

  setMatches(rows: number[]): void {
    const c = this.cols;
    if (!c) return;
    this.matches = new Uint8Array(c.rows);
    for (const r of rows) if (r < c.rows) this.matches[r] = 1;
    this.matchRows = rows;
    this.emit("matches");
  }

  /** Whether row `r` is shown under the filter. */
  kept(r: number): boolean {
    return this.filter === null || (this.filter[r] ?? 0) !== 0;
  }

  setFilter(id: string, mask: Uint8Array | null): void {
    if (!this.cols || id !== this.traceId) return;
    this.filter = mask && mask.length === this.cols.rows ? mask : null;
    this.emit("filter");
  }

  setMarkers(id: string, m: Markers): void {
    if (!this.cols || id !== this.traceId) return;
    this.markers = groupMarkers(this.cols.rows, m);
    this.emit("markers");
  }

  recordDraw(ms: number): void {
    this.drawTimes.push(ms);
    if (this.drawTimes.length > 10_000) this.drawTimes.splice(0, 5_000);
  }
}

/** Coalesces redraw requests into one per animation frame. */
export function frameScheduler(draw: () => void): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  };
}

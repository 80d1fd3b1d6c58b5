// Where the waterfall writes things around a bar, and what the time axis
// says at each tick: pure functions of pixels and times, so the layout is
// tested without a canvas.

/** Where a bar's duration label goes: after the bar when it fits before
 * the right edge, else inside the bar's end when the bar is wide enough
 * (then drawn in the bar's text colour), else before the bar's start when
 * that is right of the names column; `null` when nowhere. `after` is the
 * room taken right of the bar first (the open-span mark). */
export function durationLabelAt(
  x0: number,
  x1: number,
  width: number,
  textW: number,
  minX: number,
  after = 0,
): { x: number; inside: boolean } | null {
  const gap = 4;
  if (x1 + after + gap + textW <= width) return { x: x1 + after + gap, inside: false };
  if (Math.min(x1, width) - x0 >= textW + 2 * gap) return { x: Math.min(x1, width) - gap - textW, inside: true };
  if (x0 - gap - textW >= minX) return { x: x0 - gap - textW, inside: false };
  return null;
}

/** The labels of `n + 1` ticks across `[t0, t0 + span]`: as `fmt` writes
 * them, unless two neighbours would read the same (deep in a zoom, "8.9m
 * 8.9m"), then the first as it is and the others as offsets from it. */
export function tickLabels(t0: number, span: number, n: number, fmt: (ns: number) => string): string[] {
  const abs = Array.from({ length: n + 1 }, (_, i) => fmt(t0 + (span * i) / n));
  if (abs.every((l, i) => i === 0 || l !== abs[i - 1])) return abs;
  return abs.map((l, i) => (i === 0 ? l : `+${fmt((span * i) / n)}`));
}

/** Whether a marker at pixel `px` adds anything to what is drawn on its
 * row already: one per pixel column and kind, so that a span with
 * thousands of heartbeats costs a row's width, and shows as ticks above
 * its bar rather than a band over it. */
export class MarkerThinner {
  private last = new Float64Array(8).fill(Number.NEGATIVE_INFINITY);
  reset(): void {
    this.last.fill(Number.NEGATIVE_INFINITY);
  }
  keep(kind: number, px: number): boolean {
    const k = Math.min(7, Math.max(0, kind));
    const col = Math.round(px);
    if (this.last[k] === col) return false;
    this.last[k] = col;
    return true;
  }
}

/** After the time window moved: where the list should scroll so that the
 * rows on screen are in the window. `null` when some row of
 * `rows[top, top + page)` already overlaps `[t0, t1]` (or none at all
 * does), else the position of the first row that overlaps it. */
export function scrollIntoWindow(
  rows: ArrayLike<number>,
  offset: ArrayLike<number>,
  duration: ArrayLike<number>,
  top: number,
  page: number,
  t0: number,
  t1: number,
): number | null {
  const overlaps = (pos: number) => {
    const r = rows[pos] ?? 0;
    const s = offset[r] ?? 0;
    return s <= t1 && s + (duration[r] ?? 0) >= t0;
  };
  const end = Math.min(rows.length, top + page);
  for (let pos = top; pos < end; pos++) if (overlaps(pos)) return null;
  for (let pos = 0; pos < rows.length; pos++) if (overlaps(pos)) return pos;
  return null;
}

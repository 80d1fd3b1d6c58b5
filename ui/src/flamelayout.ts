// The flame graph's levels: a span sits one level below its parent, and
// siblings that overlap in time (parallel tool calls, sub-agents run
// concurrently) are stacked into lanes below each other with their whole
// subtrees, instead of being drawn over one another. Pure and linear in
// the rows (lanes are tracked for the first MAX_LANES levels under a
// parent; what finds no room there goes below them, where overlaps may
// still collide), so a 1M-span trace
// lays out in a frame or two.

/** Lanes tracked under one parent. */
export const MAX_LANES = 64;
const NONE = 0xffffffff;

export interface FlameLevels {
  /** The level (0 at the top) each row is drawn at. */
  level: Uint32Array;
  /** Levels in all. */
  levels: number;
}

/**
 * Rows in preorder (`parent` a row index or 0xffffffff for a root), with
 * their start and duration in the same unit.
 */
export function flameLevels(
  rows: number,
  parent: ArrayLike<number>,
  offset: ArrayLike<number>,
  duration: ArrayLike<number>,
): FlameLevels {
  // Children in row order, as linked lists; the roots under a virtual parent (index `rows`).
  const first = new Int32Array(rows + 1).fill(-1);
  const last = new Int32Array(rows + 1).fill(-1);
  const next = new Int32Array(rows).fill(-1);
  for (let i = 0; i < rows; i++) {
    const pr = parent[i] ?? NONE;
    const p = pr === NONE || pr >= rows || pr >= i ? rows : pr;
    if (first[p] === -1) first[p] = i;
    else next[last[p] ?? 0] = i;
    last[p] = i;
  }
  // Bottom up: each row's height (levels its subtree takes) and each
  // child's lane offset below its parent's first child level.
  const height = new Float64Array(rows + 1);
  const lane = new Uint32Array(rows);
  const ends = new Float64Array(MAX_LANES);
  const pack = (p: number): number => {
    ends.fill(Number.NEGATIVE_INFINITY);
    let used = 0; // lanes holding something
    let maxEnd = Number.NEGATIVE_INFINITY;
    let tallest = 0;
    for (let c = first[p] ?? -1; c !== -1; c = next[c] ?? -1) {
      const s = offset[c] ?? 0,
        e = s + (duration[c] ?? 0);
      const h = height[c] ?? 1;
      let o = 0;
      if (s < maxEnd) {
        // Overlaps something placed: the first offset whose lanes are free.
        o = -1;
        const need = Math.min(h, MAX_LANES);
        for (let at = 0; at + 1 <= MAX_LANES && o < 0; at++) {
          let free = true;
          for (let k = at; k < Math.min(MAX_LANES, at + need); k++) {
            if ((ends[k] ?? 0) > s) {
              free = false;
              break;
            }
          }
          if (free) o = at;
        }
        // No room in the tracked lanes: below them, where overlaps may collide.
        if (o < 0) o = MAX_LANES;
      } else if (used > 0) {
        // After everything placed: start again from the top lane.
        ends.fill(Number.NEGATIVE_INFINITY, 0, used);
        used = 0;
      }
      lane[c] = o;
      const top = Math.min(MAX_LANES, o + h);
      for (let k = o; k < top; k++) ends[k] = Math.max(ends[k] ?? 0, e);
      used = Math.max(used, top);
      maxEnd = Math.max(maxEnd, e);
      tallest = Math.max(tallest, o + h);
    }
    return tallest;
  };
  for (let i = rows - 1; i >= 0; i--) height[i] = 1 + pack(i);
  pack(rows);
  // Top down: a row's level is its parent's plus one plus its lane.
  const level = new Uint32Array(rows);
  let levels = 0;
  for (let i = 0; i < rows; i++) {
    const pr = parent[i] ?? NONE;
    const base = pr === NONE || pr >= rows || pr >= i ? 0 : (level[pr] ?? 0) + 1;
    level[i] = base + (lane[i] ?? 0);
    levels = Math.max(levels, (level[i] ?? 0) + (height[i] ?? 1));
  }
  return { level, levels };
}

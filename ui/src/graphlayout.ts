// A layered layout of a directed graph (callers left of callees), small
// enough to run in a worker on every graph the service gives: cycles broken
// by a depth-first walk, layers by longest path, the order in each layer
// by a few barycentre sweeps. No recursion: graphs of any depth lay out.

export interface Layout {
  /** Layer of each node (callers in lower layers than their callees). */
  layer: Int32Array;
  /** Column and row where each node is drawn: a layer taller than
   * `maxRows` wraps into several columns, so that hundreds of tools
   * called by one agent form a block, not a column thousands of rows tall. */
  col: Float64Array;
  row: Float64Array;
  layers: number;
  /** Columns in all (at least `layers`). */
  columns: number;
  /** The most rows in one column. */
  tallest: number;
}

/** Rows in one column before a layer wraps. */
export const MAX_ROWS = 16;

export function layout(n: number, from: ArrayLike<number>, to: ArrayLike<number>, maxRows = MAX_ROWS): Layout {
  const out: number[][] = Array.from({ length: n }, () => []);
  const inn: number[][] = Array.from({ length: n }, () => []);
  const m = Math.min(from.length, to.length);
  for (let e = 0; e < m; e++) {
    const a = from[e] ?? 0,
      b = to[e] ?? 0;
    if (a === b || a >= n || b >= n) continue;
    out[a]?.push(b);
  }
  // Break cycles: an edge to a node on the walk's stack points back; drop it.
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const dag: number[][] = Array.from({ length: n }, () => []);
  for (let s = 0; s < n; s++) {
    if (state[s]) continue;
    const stack: [number, number][] = [[s, 0]];
    state[s] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (!top) break;
      const [v, i] = top;
      const next = out[v]?.[i];
      if (next === undefined) {
        state[v] = 2;
        stack.pop();
        continue;
      }
      top[1] = i + 1;
      if (state[next] === 1) continue;
      dag[v]?.push(next);
      inn[next]?.push(v);
      if (state[next] === 0) {
        state[next] = 1;
        stack.push([next, 0]);
      }
    }
  }
  // Layers: longest path from a source (Kahn's order).
  const layer = new Int32Array(n);
  const deg = new Int32Array(n);
  for (let v = 0; v < n; v++) deg[v] = inn[v]?.length ?? 0;
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (deg[v] === 0) queue.push(v);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q] ?? 0;
    for (const w of dag[v] ?? []) {
      layer[w] = Math.max(layer[w] ?? 0, (layer[v] ?? 0) + 1);
      deg[w] = (deg[w] ?? 0) - 1;
      if (deg[w] === 0) queue.push(w);
    }
  }
  let layers = 0;
  for (let v = 0; v < n; v++) layers = Math.max(layers, (layer[v] ?? 0) + 1);
  const byLayer: number[][] = Array.from({ length: layers }, () => []);
  for (let v = 0; v < n; v++) byLayer[layer[v] ?? 0]?.push(v);
  const pos = new Float64Array(n);
  const place = () => {
    for (const l of byLayer) for (const [i, v] of l.entries()) pos[v] = i;
  };
  place();
  // Barycentre sweeps: down by callers, up by callees.
  const bary = (v: number, nb: number[]) => {
    if (nb.length === 0) return pos[v] ?? 0;
    let s = 0;
    for (const u of nb) s += pos[u] ?? 0;
    return s / nb.length;
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    for (let l = 1; l < layers; l++) {
      const key = new Map((byLayer[l] ?? []).map((v) => [v, bary(v, inn[v] ?? [])]));
      byLayer[l]?.sort((a, b) => (key.get(a) ?? 0) - (key.get(b) ?? 0) || a - b);
      for (const [i, v] of (byLayer[l] ?? []).entries()) pos[v] = i;
    }
    for (let l = layers - 2; l >= 0; l--) {
      const key = new Map((byLayer[l] ?? []).map((v) => [v, bary(v, dag[v] ?? [])]));
      byLayer[l]?.sort((a, b) => (key.get(a) ?? 0) - (key.get(b) ?? 0) || a - b);
      for (const [i, v] of (byLayer[l] ?? []).entries()) pos[v] = i;
    }
  }
  // Wrap tall layers into balanced columns, in their sorted order (down
  // the first column, then the next), and centre every column on the tallest.
  const per = byLayer.map((l) => Math.ceil(l.length / Math.max(1, Math.ceil(l.length / Math.max(1, maxRows)))));
  let tallest = 0;
  for (const r of per) tallest = Math.max(tallest, r);
  const col = new Float64Array(n);
  const row = new Float64Array(n);
  let columns = 0;
  for (const [li, l] of byLayer.entries()) {
    const rows = Math.max(1, per[li] ?? 1);
    for (const [i, v] of l.entries()) {
      const c = Math.floor(i / rows);
      const inCol = Math.min(rows, l.length - c * rows);
      col[v] = columns + c;
      row[v] = (i % rows) + (tallest - inCol) / 2;
    }
    columns += Math.max(1, Math.ceil(l.length / rows));
  }
  return { layer, col, row, layers, columns, tallest };
}

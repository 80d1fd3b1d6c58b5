// Lays a graph out off the main thread: the page stays responsive while a
// graph of hundreds of nodes is placed.

import { layout } from "./graphlayout";

self.onmessage = (e: MessageEvent<{ n: number; from: Uint32Array; to: Uint32Array; seq: number }>) => {
  const { n, from, to, seq } = e.data;
  const l = layout(n, from, to);
  self.postMessage({ seq, col: l.col, row: l.row, columns: l.columns, tallest: l.tallest });
};

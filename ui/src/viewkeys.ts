// The one key handler of the trace views: the same keys mean the same
// thing in the waterfall and the flame graph; each view says what moving
// up, down, left and right is in its layout. Zoom is the model's, shared.

import type { TraceModel } from "./model";

/** What a view does for each move; a move it leaves out leaves its key unused. */
export interface ViewMoves {
  up?(): void;
  down?(): void;
  left?(): void;
  right?(): void;
  pageUp?(): void;
  pageDown?(): void;
  home?(): void;
  end?(): void;
  /** Enter and space: toggle a subtree, zoom to a span. */
  activate?(): void;
}

const MOVES: Record<string, keyof ViewMoves> = {
  ArrowUp: "up",
  k: "up",
  ArrowDown: "down",
  j: "down",
  ArrowLeft: "left",
  h: "left",
  ArrowRight: "right",
  l: "right",
  PageUp: "pageUp",
  PageDown: "pageDown",
  Home: "home",
  End: "end",
  Enter: "activate",
  " ": "activate",
};

/** Handles `e` for a view; true when the key was the view's. */
export function viewKey(m: TraceModel, moves: ViewMoves, e: KeyboardEvent): boolean {
  const mid = (m.t0 + m.t1) / 2;
  const move = MOVES[e.key];
  const act = move ? moves[move] : undefined;
  if (act) act.call(moves);
  else if (e.key === "+" || e.key === "=") m.zoom(0.8, mid);
  else if (e.key === "-") m.zoom(1.25, mid);
  else if (e.key === "0") m.resetWindow();
  else return false;
  e.preventDefault();
  return true;
}

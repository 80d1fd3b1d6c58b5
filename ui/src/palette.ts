// The drawing colours, read from the CSS custom properties once per theme
// change rather than once per frame.

import { tickLabels } from "./barlabel";
import { CLASS_NAMES } from "./wire";

export interface Palette {
  bg: string;
  fg: string;
  muted: string;
  line: string;
  sel: string;
  match: string;
  agent: string;
  llm: string;
  tool: string;
  other: string;
  error: string;
  crit: string;
  /** The class colours indexed by the columns' class code (no string compare per span). */
  byClass: string[];
}

let cached: Palette | null = null;

export function palette(): Palette {
  if (cached) return cached;
  const css = getComputedStyle(document.documentElement);
  const v = (name: string): string => css.getPropertyValue(`--${name}`).trim() || "#888";
  cached = {
    bg: v("bg"),
    fg: v("fg"),
    muted: v("muted"),
    line: v("line"),
    sel: v("sel"),
    match: v("match"),
    agent: v("agent"),
    llm: v("llm"),
    tool: v("tool"),
    other: v("other"),
    error: v("error"),
    crit: v("crit"),
    byClass: CLASS_NAMES.map((c) => v(c)),
  };
  return cached;
}

/** The colour of class code `code` (the columns' `cls`). */
export function classColor(p: Palette, code: number): string {
  return p.byClass[code] ?? p.other;
}

/** Forget the colours (the theme changed); views redraw after. */
export function resetPalette(): void {
  cached = null;
}

/** Sizes a canvas's backing store to its CSS size and returns a context in CSS pixels. */
export function fitCanvas(cv: HTMLCanvasElement): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  const W = cv.clientWidth,
    H = cv.clientHeight;
  if (cv.width !== Math.round(W * dpr) || cv.height !== Math.round(H * dpr)) {
    cv.width = Math.round(W * dpr);
    cv.height = Math.round(H * dpr);
  }
  const g = cv.getContext("2d");
  if (!g) return null;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  return g;
}

/** A cleared frame of a trace view: its context, CSS size and colours. */
export interface Frame {
  g: CanvasRenderingContext2D;
  W: number;
  H: number;
  p: Palette;
}

export function beginFrame(cv: HTMLCanvasElement): Frame | null {
  const g = fitCanvas(cv);
  if (!g) return null;
  const W = cv.clientWidth,
    H = cv.clientHeight;
  const p = palette();
  g.fillStyle = p.bg;
  g.fillRect(0, 0, W, H);
  g.font = "12px system-ui, sans-serif";
  g.textBaseline = "middle";
  return { g, W, H, p };
}

/** The time axis: five ticks across [x0, x0 + width), labels in the top
 * `axisH` pixels, grid lines down to the bottom. */
export function drawTimeAxis(
  f: Frame,
  x0: number,
  width: number,
  t0: number,
  span: number,
  axisH: number,
  fmt: (ns: number) => string,
): void {
  const { g, W, H, p } = f;
  g.fillStyle = p.muted;
  g.strokeStyle = p.line;
  const labels = tickLabels(t0, span, 5, fmt);
  for (let i = 0; i <= 5; i++) {
    const px = x0 + (width * i) / 5;
    g.fillText(labels[i] ?? "", Math.min(px + 2, W - 50), axisH / 2);
    g.beginPath();
    g.moveTo(px + 0.5, axisH);
    g.lineTo(px + 0.5, H);
    g.stroke();
  }
}

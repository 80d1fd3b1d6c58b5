// The flame graph of one trace, as an icicle: roots on top, children below
// their parent, x is time (the shared window), so gaps and overlaps show
// as they happened. A subtree narrower than a pixel is skipped whole, so the
// cost of a frame follows what is visible, not the trace's size.

import { fmtNs, subtreeEnd } from "./columns";
import { flameLevels } from "./flamelayout";
import { FLAG_CRITICAL, STATE_NAMES } from "./wire";
import { frameScheduler, type TraceModel } from "./model";
import { viewKey } from "./viewkeys";
import { beginFrame, classColor, drawTimeAxis } from "./palette";
import { isProblem } from "./waterfall";

const LEVEL_H = 20;
const AXIS_H = 22;

export class Flame {
  private scrollY = 0;
  private dragX: number | null = null;
  private moved = false;
  /** Each row's level: its depth, plus the lanes overlapping siblings take. */
  private level: Uint32Array = new Uint32Array(0);
  readonly redraw: () => void;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private m: TraceModel,
  ) {
    this.redraw = frameScheduler(() => this.draw());
    new ResizeObserver(() => this.redraw()).observe(canvas);
    canvas.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
    canvas.addEventListener("mousedown", (e) => {
      this.dragX = e.offsetX;
      this.moved = false;
    });
    window.addEventListener("mouseup", () => {
      this.dragX = null;
    });
    canvas.addEventListener("mousemove", (e) => this.onDrag(e));
    canvas.addEventListener("click", (e) => {
      if (!this.moved) this.onClick(e, false);
    });
    canvas.addEventListener("dblclick", (e) => this.onClick(e, true));
    canvas.addEventListener("keydown", (e) => this.onKey(e));
    m.subscribe((c) => {
      if (c === "trace") {
        this.scrollY = 0;
        const cols = m.cols;
        this.level = cols ? flameLevels(cols.rows, cols.parent, cols.offset, cols.duration).level : new Uint32Array(0);
      }
      if (c === "select") this.reveal();
      this.redraw();
    });
  }

  get shown(): boolean {
    return this.canvas.offsetParent !== null;
  }

  /** Scrolls the selected span into view (only while shown: a hidden canvas has no height). */
  reveal(): void {
    const c = this.m.cols;
    if (!c || this.m.selected < 0 || !this.shown) return;
    const y = AXIS_H + (this.level[this.m.selected] ?? 0) * LEVEL_H - this.scrollY;
    const H = this.canvas.clientHeight;
    if (y < AXIS_H) this.scrollY -= AXIS_H - y;
    if (y + LEVEL_H > H) this.scrollY += y + LEVEL_H - H;
  }

  /** The row drawn under a point, if any. */
  private hit(px: number, py: number): number {
    const c = this.m.cols;
    if (!c || py < AXIS_H) return -1;
    const level = Math.floor((py - AXIS_H + this.scrollY) / LEVEL_H);
    const t = this.m.t0 + (px / Math.max(1, this.canvas.clientWidth)) * (this.m.t1 - this.m.t0);
    // Deepest-last preorder: the last row at this level covering t wins.
    let found = -1;
    for (let i = 0; i < c.rows; i++) {
      const d = this.level[i] ?? 0;
      const s = c.offset[i] ?? 0,
        e = s + (c.duration[i] ?? 0);
      if (!this.m.kept(i)) {
        i = subtreeEnd(c, i) - 1;
        continue;
      }
      if (d > level || t < s || t > e) {
        // Not covering: its subtree (inside its interval) cannot either.
        if (d <= level && (t < s || t > e)) i = subtreeEnd(c, i) - 1;
        continue;
      }
      if (d === level) {
        found = i;
        break;
      }
    }
    return found;
  }

  private onClick(e: MouseEvent, zoom: boolean): void {
    this.canvas.focus();
    const row = this.hit(e.offsetX, e.offsetY);
    if (row < 0) return;
    this.m.select(row);
    if (zoom) this.zoomTo(row);
  }

  private zoomTo(row: number): void {
    const c = this.m.cols;
    if (!c) return;
    const s = c.offset[row] ?? 0,
      d = Math.max(1000, c.duration[row] ?? 0);
    this.m.setWindow(s - d * 0.02, s + d * 1.02);
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const t = this.m.t0 + (e.offsetX / Math.max(1, this.canvas.clientWidth)) * (this.m.t1 - this.m.t0);
    if (e.ctrlKey || e.metaKey) {
      this.m.zoom(e.deltaY > 0 ? 1.25 : 0.8, t);
    } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      const dt = ((e.shiftKey ? e.deltaY : e.deltaX) / 500) * (this.m.t1 - this.m.t0);
      this.m.setWindow(this.m.t0 + dt, this.m.t1 + dt);
    } else {
      this.scrollY = Math.max(0, this.scrollY + e.deltaY);
      this.redraw();
    }
  }

  private onDrag(e: MouseEvent): void {
    if (this.dragX === null || !(e.buttons & 1)) return;
    const dx = e.offsetX - this.dragX;
    if (Math.abs(dx) > 2) this.moved = true;
    this.dragX = e.offsetX;
    const dt = (-dx / Math.max(1, this.canvas.clientWidth)) * (this.m.t1 - this.m.t0);
    this.m.setWindow(this.m.t0 + dt, this.m.t1 + dt);
  }

  /** Up: parent; down: first child; left and right: previous and next sibling. */
  onKey(e: KeyboardEvent): void {
    const c = this.m.cols;
    if (!c) return;
    const m = this.m;
    const sel = m.selected;
    const parent = sel >= 0 ? (c.parent[sel] ?? 0xffffffff) : 0xffffffff;
    viewKey(
      m,
      {
        // Up is the caller, down the first callee.
        up: () => {
          if (parent < c.rows) m.select(parent);
          else if (sel < 0) m.select(0);
        },
        down: () => {
          const next = sel + 1;
          if (sel < 0) m.select(0);
          else if (next < c.rows && (c.depth[next] ?? 0) > (c.depth[sel] ?? 0)) m.select(next);
        },
        // Right and left are the next and previous sibling.
        right: () => {
          if (sel < 0) return;
          const end = subtreeEnd(c, sel);
          if (end < c.rows && (c.depth[end] ?? 0) === (c.depth[sel] ?? 0)) m.select(end);
        },
        left: () => {
          if (sel <= 0) return;
          // The nearest earlier row at the same depth under the same parent.
          const d = c.depth[sel] ?? 0;
          for (let i = sel - 1; i >= 0; i--) {
            const di = c.depth[i] ?? 0;
            if (di < d) return;
            if (di === d) {
              m.select(i);
              return;
            }
          }
        },
        activate: () => sel >= 0 && this.zoomTo(sel),
      },
      e,
    );
  }

  draw(): void {
    if (!this.shown) return;
    const start = performance.now();
    const f = beginFrame(this.canvas);
    if (!f) return;
    const { g, W, H, p } = f;
    const c = this.m.cols;
    if (!c) return;
    const span = Math.max(1, this.m.t1 - this.m.t0);
    drawTimeAxis(f, 0, W, this.m.t0, span, AXIS_H, fmtNs);
    const firstLevel = Math.floor(this.scrollY / LEVEL_H);
    const lastLevel = firstLevel + Math.ceil((H - AXIS_H) / LEVEL_H);
    g.save();
    g.beginPath();
    g.rect(0, AXIS_H, W, H - AXIS_H);
    g.clip();
    // Per level, the x up to which pixels are already painted: a span under a
    // pixel wide that starts there adds nothing visible, nor does its subtree
    // (inside its interval). This bounds the rectangles drawn per level by
    // the canvas width, whatever the trace's size.
    const filled = new Float64Array(lastLevel + 2).fill(-1);
    // One scale for the frame: reading clientWidth per span would ask the
    // DOM (and maybe layout) for every row.
    const t0 = this.m.t0,
      k = W / span;
    const offset = c.offset,
      duration = c.duration,
      depth = this.level;
    for (let i = 0; i < c.rows; i++) {
      const d = depth[i] ?? 0;
      const s = offset[i] ?? 0,
        dur = duration[i] ?? 0;
      const x0 = (s - t0) * k,
        x1 = (s + dur - t0) * k;
      // Off screen, too narrow, below the view or filtered out: nothing under it shows either.
      if (x1 < 0 || x0 > W || x1 - x0 < 0.3 || d > lastLevel || !this.m.kept(i)) {
        i = subtreeEnd(c, i) - 1;
        continue;
      }
      if (x1 - x0 < 1 && x0 < (filled[d] ?? -1) && i !== this.m.selected) {
        i = subtreeEnd(c, i) - 1;
        continue;
      }
      filled[d] = Math.max(filled[d] ?? -1, Math.floor(Math.max(0, x0)) + 1);
      if (d < firstLevel) continue;
      const y = AXIS_H + d * LEVEL_H - this.scrollY;
      const flags = c.flags[i] ?? 0;
      const err = isProblem(flags, c.state[i] ?? 0);
      const bx = Math.max(0, x0),
        bw = Math.max(1, Math.min(W, x1) - bx);
      g.fillStyle = err ? p.error : classColor(p, c.cls[i] ?? 3);
      g.globalAlpha = this.m.matchRows.length && !this.m.matches[i] ? 0.35 : 1;
      g.fillRect(bx, y + 1, bw - (bw > 3 ? 1 : 0), LEVEL_H - 2);
      g.globalAlpha = 1;
      if (i === this.m.selected) {
        g.strokeStyle = p.fg;
        g.lineWidth = 2;
        g.strokeRect(bx + 1, y + 2, Math.max(1, bw - 3), LEVEL_H - 4);
        g.lineWidth = 1;
      } else if (flags & FLAG_CRITICAL) {
        g.fillStyle = p.crit;
        g.fillRect(bx, y + LEVEL_H - 4, bw, 2);
      }
      if (bw > 40) {
        const state = STATE_NAMES[c.state[i] ?? 0] ?? "";
        const label = `${c.strings[c.name[i] ?? 0] ?? ""} ${fmtNs(dur)}${state ? ` [${state}]` : ""}`;
        g.save();
        g.beginPath();
        g.rect(bx, y, bw - 4, LEVEL_H);
        g.clip();
        g.fillStyle = "#fff";
        g.fillText(label, bx + 4, y + LEVEL_H / 2);
        g.restore();
      }
    }
    g.restore();
    this.m.recordDraw(performance.now() - start);
  }
}

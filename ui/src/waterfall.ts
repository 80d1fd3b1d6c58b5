// The waterfall, drawn on one canvas: only the rows in view are drawn, so a
// trace of 100k+ spans costs what a screenful costs. Text is drawn with
// fillText, so span names are pixels, never markup. Above it, a minimap of
// the whole trace (drawn once per trace into an offscreen canvas) shows where
// the view is; click or drag it to move there.

import {
  FLAG_CRITICAL,
  FLAG_CYCLE_BROKEN,
  FLAG_DUPLICATE,
  FLAG_ERROR,
  FLAG_HAS_CHILDREN,
  FLAG_OPEN,
  FLAG_ORPHAN,
  FLAG_PLACEHOLDER,
  FLAG_SKEWED,
  STATE_NAMES,
} from "./wire";
import { fmtNs } from "./columns";
import { frameScheduler, type TraceModel } from "./model";
import { viewKey } from "./viewkeys";
import { durationLabelAt, MarkerThinner, scrollIntoWindow } from "./barlabel";
import { beginFrame, classColor, drawTimeAxis, fitCanvas, palette } from "./palette";

const ROW_H = 20;
const LABEL_W = 300;
const AXIS_H = 22;

/** 1 for each agent state code that ended badly, indexed by code. */
const BAD_END = Uint8Array.from(STATE_NAMES, (s) => (s === "failed" || s === "timeout" || s === "dead" ? 1 : 0));

/** Whether row `row` is drawn as a problem (error status or a bad agent end). */
export function isProblem(flags: number, state: number): boolean {
  return (flags & FLAG_ERROR) !== 0 || BAD_END[state] === 1;
}

export class Waterfall {
  /** Row indices shown, in order (collapsed subtrees left out). */
  private visible: Uint32Array = new Uint32Array(0);
  private collapsed = new Set<number>();
  private scrollRow = 0;
  private dragX: number | null = null;
  private overview: HTMLCanvasElement | null = null;
  private miniDrag = false;
  private readonly thinner = new MarkerThinner();
  readonly redraw: () => void;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private mini: HTMLCanvasElement,
    private m: TraceModel,
  ) {
    this.redraw = frameScheduler(() => this.draw());
    new ResizeObserver(() => {
      this.overview = null;
      this.redraw();
    }).observe(canvas);
    canvas.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
    canvas.addEventListener("mousedown", (e) => {
      this.dragX = e.offsetX;
    });
    window.addEventListener("mouseup", () => {
      this.dragX = null;
      this.miniDrag = false;
    });
    canvas.addEventListener("mousemove", (e) => {
      this.onDrag(e);
      this.onHover(e);
    });
    canvas.addEventListener("click", (e) => this.onClick(e));
    canvas.addEventListener("keydown", (e) => this.onKey(e));
    mini.addEventListener("mousedown", (e) => {
      this.miniDrag = true;
      this.onMini(e);
    });
    mini.addEventListener("mousemove", (e) => {
      if (this.miniDrag) this.onMini(e);
    });
    m.subscribe((c) => {
      if (c === "trace") {
        this.collapsed.clear();
        this.scrollRow = 0;
        this.overview = null;
        this.recompute();
      }
      if (c === "filter") {
        this.overview = null;
        this.scrollRow = 0;
        this.recompute();
      }
      if (c === "select") this.reveal();
      if (c === "window") this.followWindow();
      this.redraw();
    });
  }

  /** A zoom or pan that leaves every row on screen outside the window
   * brings the first row inside it to the top. */
  private followWindow(): void {
    const c = this.m.cols;
    if (!c || !this.shown) return;
    const pos = scrollIntoWindow(
      this.visible,
      c.offset,
      c.duration,
      this.scrollRow,
      this.pageRows(),
      this.m.t0,
      this.m.t1,
    );
    if (pos !== null) this.scrollRow = Math.max(0, Math.min(pos, this.visible.length - this.pageRows()));
  }

  get shown(): boolean {
    return this.canvas.offsetParent !== null;
  }

  private recompute(): void {
    const c = this.m.cols;
    if (!c) return;
    const out = new Uint32Array(c.rows);
    let k = 0;
    let skipDepth = -1;
    for (let i = 0; i < c.rows; i++) {
      const d = c.depth[i] ?? 0;
      if (skipDepth >= 0) {
        if (d > skipDepth) continue;
        skipDepth = -1;
      }
      // A hidden row's subtree is hidden too: a kept row keeps its ancestors.
      if (!this.m.kept(i)) {
        skipDepth = d;
        continue;
      }
      out[k++] = i;
      if (this.collapsed.has(i)) skipDepth = d;
    }
    this.visible = out.subarray(0, k);
  }

  private pageRows(): number {
    return Math.max(1, Math.floor((this.canvas.clientHeight - AXIS_H) / ROW_H));
  }

  /** Expands collapsed ancestors of the selected row and scrolls it into
   * view (only while shown: a hidden canvas has no height). */
  reveal(): void {
    const c = this.m.cols;
    const row = this.m.selected;
    if (!c || row < 0 || !this.shown) return;
    let changed = false;
    for (let p = c.parent[row] ?? 0xffffffff; p !== 0xffffffff && p < c.rows; p = c.parent[p] ?? 0xffffffff) {
      if (this.collapsed.delete(p)) changed = true;
    }
    if (changed) this.recompute();
    const pos = this.posOf(row);
    if (pos < 0) return;
    const page = this.pageRows();
    if (pos < this.scrollRow) this.scrollRow = pos;
    if (pos >= this.scrollRow + page) this.scrollRow = pos - page + 1;
  }

  /** Collapses every row with children, or (`minNs`) those shorter than it. */
  collapseAll(minNs = Number.POSITIVE_INFINITY): void {
    const c = this.m.cols;
    if (!c) return;
    this.collapsed.clear();
    for (let i = 0; i < c.rows; i++) {
      if ((c.flags[i] ?? 0) & FLAG_HAS_CHILDREN && (c.duration[i] ?? 0) < minNs) this.collapsed.add(i);
    }
    // The roots stay open: a fully collapsed tree is one row.
    if (minNs === Number.POSITIVE_INFINITY)
      for (let i = 0; i < c.rows; i++) if ((c.depth[i] ?? 0) === 0) this.collapsed.delete(i);
    this.recompute();
    this.reveal();
    this.redraw();
  }

  expandAll(): void {
    this.collapsed.clear();
    this.recompute();
    this.reveal();
    this.redraw();
  }

  private selectPos(pos: number): void {
    if (this.visible.length === 0) return;
    const p = Math.max(0, Math.min(this.visible.length - 1, pos));
    this.m.select(this.visible[p] ?? 0);
  }

  private toggle(row: number, open?: boolean): void {
    const c = this.m.cols;
    if (!c || !((c.flags[row] ?? 0) & FLAG_HAS_CHILDREN)) return;
    const isOpen = !this.collapsed.has(row);
    if (open === isOpen) return;
    if (isOpen) this.collapsed.add(row);
    else this.collapsed.delete(row);
    this.recompute();
    this.redraw();
  }

  private posOf(row: number): number {
    // Binary search: visible rows are in increasing order.
    let lo = 0,
      hi = this.visible.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.visible[mid] ?? 0;
      if (v === row) return mid;
      if (v < row) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private timeAt(x: number): number {
    const w = Math.max(1, this.canvas.clientWidth - LABEL_W - 8);
    return this.m.t0 + ((x - LABEL_W) / w) * (this.m.t1 - this.m.t0);
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) {
      this.m.zoom(e.deltaY > 0 ? 1.25 : 0.8, this.timeAt(e.offsetX));
    } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      const d = e.shiftKey ? e.deltaY : e.deltaX;
      const dt = (d / 500) * (this.m.t1 - this.m.t0);
      this.m.setWindow(this.m.t0 + dt, this.m.t1 + dt);
    } else {
      this.scrollBy(Math.sign(e.deltaY) * 3);
    }
  }

  scrollBy(rows: number): void {
    const max = Math.max(0, this.visible.length - this.pageRows());
    this.scrollRow = Math.max(0, Math.min(max, this.scrollRow + rows));
    this.redraw();
  }

  private onDrag(e: MouseEvent): void {
    if (this.dragX === null || !(e.buttons & 1)) return;
    const w = Math.max(1, this.canvas.clientWidth - LABEL_W - 8);
    const dx = e.offsetX - this.dragX;
    this.dragX = e.offsetX;
    const dt = (-dx / w) * (this.m.t1 - this.m.t0);
    this.m.setWindow(this.m.t0 + dt, this.m.t1 + dt);
  }

  /** Names the events under the pointer in the canvas's title (plain text). */
  private onHover(e: MouseEvent): void {
    if (e.buttons || e.offsetY < AXIS_H) return;
    const row = this.visible[this.scrollRow + Math.floor((e.offsetY - AXIS_H) / ROW_H)];
    const names = row === undefined ? [] : this.markerAt(row, e.offsetX);
    const t = names.join("\n");
    if (this.canvas.title !== t) this.canvas.title = t;
  }

  private onClick(e: MouseEvent): void {
    const c = this.m.cols;
    if (e.offsetY < AXIS_H || !c) return;
    const pos = this.scrollRow + Math.floor((e.offsetY - AXIS_H) / ROW_H);
    const row = this.visible[pos];
    if (row === undefined) return;
    const indent = 8 + Math.min(c.depth[row] ?? 0, 40) * 12;
    if (e.offsetX >= indent - 2 && e.offsetX < indent + 10) this.toggle(row);
    this.canvas.focus();
    this.m.select(row);
  }

  private onMini(e: MouseEvent): void {
    const c = this.m.cols;
    if (!c || c.rows === 0) return;
    const W = this.mini.clientWidth,
      H = this.mini.clientHeight;
    const t = (Math.max(0, Math.min(W, e.offsetX)) / W) * c.endNs;
    const half = (this.m.t1 - this.m.t0) / 2;
    this.m.setWindow(t - half, t + half);
    // Vertically: the row under the pointer goes to the middle of the page.
    const row = Math.floor((Math.max(0, Math.min(H - 1, e.offsetY)) / H) * c.rows);
    let pos = this.posOf(row);
    if (pos < 0) pos = Math.min(this.visible.length - 1, Math.round((row / c.rows) * this.visible.length));
    this.scrollRow = 0;
    this.scrollBy(pos - Math.floor(this.pageRows() / 2));
  }

  onKey(e: KeyboardEvent): void {
    const pos = this.m.selected >= 0 ? this.posOf(this.m.selected) : -1;
    const sel = this.m.selected;
    viewKey(
      this.m,
      {
        down: () => this.selectPos(pos + 1),
        up: () => this.selectPos(pos - 1),
        pageDown: () => this.selectPos(pos + this.pageRows()),
        pageUp: () => this.selectPos(pos - this.pageRows()),
        home: () => this.selectPos(0),
        end: () => this.selectPos(this.visible.length - 1),
        left: () => sel >= 0 && this.toggle(sel, false),
        right: () => sel >= 0 && this.toggle(sel, true),
        activate: () => sel >= 0 && this.toggle(sel),
      },
      e,
    );
  }

  private drawOverview(W: number, H: number): HTMLCanvasElement | null {
    const c = this.m.cols;
    if (!c) return null;
    const dpr = window.devicePixelRatio || 1;
    const off = document.createElement("canvas");
    off.width = Math.max(1, Math.round(W * dpr));
    off.height = Math.max(1, Math.round(H * dpr));
    const g = off.getContext("2d");
    if (!g) return null;
    g.scale(dpr, dpr);
    const p = palette();
    const end = Math.max(1, c.endNs);
    const rowH = Math.max(H / Math.max(1, c.rows), 0.25);
    for (let i = 0; i < c.rows; i++) {
      if (!this.m.kept(i)) continue;
      const x0 = ((c.offset[i] ?? 0) / end) * W;
      const w = Math.max(0.5, ((c.duration[i] ?? 0) / end) * W);
      g.fillStyle = isProblem(c.flags[i] ?? 0, c.state[i] ?? 0) ? p.error : classColor(p, c.cls[i] ?? 3);
      g.fillRect(x0, (i / c.rows) * H, w, Math.max(rowH, 0.6));
    }
    return off;
  }

  private drawMini(): void {
    const g = fitCanvas(this.mini);
    const c = this.m.cols;
    if (!g) return;
    const W = this.mini.clientWidth,
      H = this.mini.clientHeight;
    const p = palette();
    g.fillStyle = p.bg;
    g.fillRect(0, 0, W, H);
    if (!c || c.rows === 0) return;
    if (!this.overview) this.overview = this.drawOverview(W, H);
    if (this.overview) g.drawImage(this.overview, 0, 0, W, H);
    // The view: its time window across, its rows down.
    const end = Math.max(1, c.endNs);
    const x0 = Math.max(0, (this.m.t0 / end) * W),
      x1 = Math.min(W, (this.m.t1 / end) * W);
    const first = this.visible[this.scrollRow] ?? 0;
    const last = this.visible[Math.min(this.visible.length - 1, this.scrollRow + this.pageRows())] ?? first;
    const y0 = (first / c.rows) * H,
      y1 = Math.max(y0 + 2, ((last + 1) / c.rows) * H);
    g.fillStyle = p.sel;
    g.globalAlpha = 0.35;
    g.fillRect(0, 0, x0, H);
    g.fillRect(x1, 0, W - x1, H);
    g.globalAlpha = 1;
    g.strokeStyle = p.fg;
    g.strokeRect(x0 + 0.5, y0 + 0.5, Math.max(2, x1 - x0 - 1), Math.max(2, y1 - y0 - 1));
  }

  /**
   * Span events as ticks, lifecycle events (agent_started, ...) as diamonds,
   * log records as dots at the row's foot: warnings in the tool colour,
   * errors in the error colour and larger, so they stand out.
   */
  private drawMarkers(g: CanvasRenderingContext2D, row: number, y: number, x: (t: number) => number, W: number): void {
    const mk = this.m.markers;
    if (!mk) return;
    const p = palette();
    const thin = this.thinner;
    thin.reset();
    // Markers keep to the bands above and below the bar (it spans y+4 to
    // y+16), so a short bar under an agent's lifecycle events keeps its
    // colour and a span with thousands of heartbeats does not turn grey.
    for (let j = mk.start[row] ?? 0, end = mk.start[row + 1] ?? 0; j < end; j++) {
      const i = mk.order[j] ?? 0;
      const px = x(mk.offset[i] ?? 0);
      const kind = mk.kind[i] ?? 0;
      if (px < LABEL_W || px > W || !thin.keep(kind, px)) continue;
      if (kind === 1) {
        // A lifecycle event: a small triangle pointing down at the bar.
        g.fillStyle = p.fg;
        g.beginPath();
        g.moveTo(px - 3.5, y);
        g.lineTo(px + 3.5, y);
        g.lineTo(px, y + 4.5);
        g.closePath();
        g.fill();
      } else if (kind >= 2) {
        const r = kind === 4 ? 2.5 : 2;
        g.fillStyle = kind === 4 ? p.error : kind === 3 ? p.tool : p.muted;
        g.beginPath();
        g.arc(px, y + ROW_H - r, r, 0, Math.PI * 2);
        g.fill();
      } else {
        g.fillStyle = p.muted;
        g.fillRect(px - 0.5, y, 1.5, 4);
      }
    }
  }

  /** The names of the markers on `row` near x (for the tooltip). */
  markerAt(row: number, px: number): string[] {
    const mk = this.m.markers;
    if (!mk) return [];
    const w = Math.max(1, this.canvas.clientWidth - LABEL_W - 8);
    const span = Math.max(1, this.m.t1 - this.m.t0);
    const out: string[] = [];
    for (let j = mk.start[row] ?? 0, end = mk.start[row + 1] ?? 0; j < end; j++) {
      const i = mk.order[j] ?? 0;
      const x = LABEL_W + (((mk.offset[i] ?? 0) - this.m.t0) / span) * w;
      if (Math.abs(x - px) <= 5) out.push(`${mk.names[mk.name[i] ?? 0] ?? ""} +${fmtNs(mk.offset[i] ?? 0)}`);
    }
    return out;
  }

  draw(): void {
    if (!this.shown) return;
    const start = performance.now();
    this.drawMini();
    const f = beginFrame(this.canvas);
    if (!f) return;
    const { g, W, p } = f;
    const c = this.m.cols;
    if (!c) return;
    const barW = Math.max(1, W - LABEL_W - 8);
    const span = Math.max(1, this.m.t1 - this.m.t0);
    const t0 = this.m.t0;
    const x = (t: number) => LABEL_W + ((t - t0) / span) * barW;
    drawTimeAxis(f, LABEL_W, barW, t0, span, AXIS_H, fmtNs);
    const page = this.pageRows() + 1;
    for (let k = 0; k < page; k++) {
      const row = this.visible[this.scrollRow + k];
      if (row === undefined) break;
      const y = AXIS_H + k * ROW_H;
      const flags = c.flags[row] ?? 0;
      if (row === this.m.selected) {
        g.fillStyle = p.sel;
        g.fillRect(0, y, W, ROW_H);
      } else if (this.m.matches[row]) {
        g.fillStyle = p.match;
        g.fillRect(0, y, W, ROW_H);
      }
      const depth = Math.min(c.depth[row] ?? 0, 40);
      const indent = 8 + depth * 12;
      g.fillStyle = p.muted;
      if (flags & FLAG_HAS_CHILDREN) g.fillText(this.collapsed.has(row) ? "▸" : "▾", indent, y + ROW_H / 2);
      const name = c.strings[c.name[row] ?? 0] ?? "";
      const state = STATE_NAMES[c.state[row] ?? 0] ?? "";
      const err = isProblem(flags, c.state[row] ?? 0);
      g.fillStyle = err ? p.error : p.fg;
      const marks = [
        flags & FLAG_ORPHAN ? "orphan" : "",
        flags & FLAG_DUPLICATE ? "duplicate" : "",
        flags & FLAG_SKEWED ? "skew" : "",
        flags & FLAG_CYCLE_BROKEN ? "cycle" : "",
        state,
      ]
        .filter(Boolean)
        .join(" ");
      const label = marks ? `${name}  [${marks}]` : name;
      g.save();
      g.beginPath();
      g.rect(indent + 12, y, LABEL_W - indent - 16, ROW_H);
      g.clip();
      g.fillText(label, indent + 12, y + ROW_H / 2);
      g.restore();
      // The bar.
      const s = c.offset[row] ?? 0,
        d = c.duration[row] ?? 0;
      const x0 = Math.max(LABEL_W, x(s)),
        x1 = Math.min(W, x(s + d));
      if (x1 >= LABEL_W && x0 <= W) {
        g.fillStyle = err ? p.error : classColor(p, c.cls[row] ?? 3);
        if (flags & FLAG_PLACEHOLDER) g.globalAlpha = 0.35;
        g.fillRect(x0, y + 4, Math.max(1, x1 - x0), ROW_H - 8);
        g.globalAlpha = 1;
        // An open span's mark, then its duration: after the bar when there
        // is room, else inside its end (the root), else before it.
        const open = (flags & FLAG_OPEN) !== 0 && x1 + 12 <= W;
        if (open) {
          g.fillStyle = p.muted;
          g.fillText("…", x1 + 2, y + ROW_H / 2);
        }
        if (flags & FLAG_CRITICAL) {
          g.strokeStyle = p.crit;
          g.lineWidth = 1.5;
          g.strokeRect(x0 + 0.5, y + 3.5, Math.max(1, x1 - x0 - 1), ROW_H - 7);
          g.lineWidth = 1;
        }
        const text = fmtNs(d);
        const at = durationLabelAt(x0, x1, W, g.measureText(text).width, LABEL_W + 4, open ? 12 : 0);
        if (at) {
          g.fillStyle = at.inside ? "#fff" : p.muted;
          g.fillText(text, at.x, y + ROW_H / 2);
        }
      }
      this.drawMarkers(g, row, y, x, W);
    }
    this.m.recordDraw(performance.now() - start);
  }
}

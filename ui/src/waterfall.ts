// The waterfall, drawn on one canvas: only the rows in view are drawn, so a
// trace of 100k+ spans costs what a screenful costs. Text is drawn with
// fillText, so span names are pixels, never markup.

import { CLASS_NAMES, Columns, FLAG_CRITICAL, FLAG_ERROR, FLAG_HAS_CHILDREN, FLAG_OPEN, FLAG_ORPHAN, FLAG_PLACEHOLDER, FLAG_SKEWED, STATE_NAMES, fmtNs } from "./columns";

const ROW_H = 20;
const LABEL_W = 300;
const AXIS_H = 22;

export class Waterfall {
  private cols: Columns | null = null;
  /** Row indices shown, in order (collapsed subtrees left out). */
  private visible: Uint32Array = new Uint32Array(0);
  private collapsed = new Set<number>();
  private scrollRow = 0;
  private viewStart = 0;
  private viewEnd = 1;
  private selected = -1;
  private dragX: number | null = null;

  constructor(readonly canvas: HTMLCanvasElement, private onSelect: (row: number, node: number) => void) {
    new ResizeObserver(() => this.draw()).observe(canvas);
    canvas.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
    canvas.addEventListener("mousedown", (e) => { this.dragX = e.offsetX; });
    window.addEventListener("mouseup", () => { this.dragX = null; });
    canvas.addEventListener("mousemove", (e) => this.onDrag(e));
    canvas.addEventListener("click", (e) => this.onClick(e));
    canvas.addEventListener("keydown", (e) => this.onKey(e));
  }

  show(cols: Columns): void {
    this.cols = cols;
    this.collapsed.clear();
    this.scrollRow = 0;
    this.selected = -1;
    this.viewStart = 0;
    this.viewEnd = Math.max(cols.endNs, 1);
    this.recompute();
    this.draw();
  }

  get selectedRow(): number { return this.selected; }

  private recompute(): void {
    const c = this.cols;
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
      out[k++] = i;
      if (this.collapsed.has(i)) skipDepth = d;
    }
    this.visible = out.subarray(0, k);
  }

  private pageRows(): number {
    return Math.max(1, Math.floor((this.canvas.clientHeight - AXIS_H) / ROW_H));
  }

  private select(pos: number): void {
    const c = this.cols;
    if (!c || this.visible.length === 0) return;
    const p = Math.max(0, Math.min(this.visible.length - 1, pos));
    const row = this.visible[p] ?? 0;
    this.selected = row;
    const page = this.pageRows();
    if (p < this.scrollRow) this.scrollRow = p;
    if (p >= this.scrollRow + page) this.scrollRow = p - page + 1;
    this.draw();
    this.onSelect(row, c.node[row] ?? 0);
  }

  private toggle(row: number): void {
    const c = this.cols;
    if (!c || !((c.flags[row] ?? 0) & FLAG_HAS_CHILDREN)) return;
    if (this.collapsed.has(row)) this.collapsed.delete(row); else this.collapsed.add(row);
    this.recompute();
    this.draw();
  }

  private posOf(row: number): number {
    // Binary search: visible rows are in increasing order.
    let lo = 0, hi = this.visible.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.visible[mid] ?? 0;
      if (v === row) return mid;
      if (v < row) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  private zoom(factor: number, atX: number): void {
    const w = this.canvas.clientWidth - LABEL_W;
    if (w <= 0) return;
    const span = this.viewEnd - this.viewStart;
    const t = this.viewStart + ((atX - LABEL_W) / w) * span;
    const ns = Math.max(1000, span * factor);
    this.viewStart = t - ((t - this.viewStart) / span) * ns;
    this.viewEnd = this.viewStart + ns;
    this.draw();
  }

  private resetZoom(): void {
    if (!this.cols) return;
    this.viewStart = 0;
    this.viewEnd = Math.max(this.cols.endNs, 1);
    this.draw();
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) {
      this.zoom(e.deltaY > 0 ? 1.25 : 0.8, e.offsetX);
    } else if (e.shiftKey) {
      const span = this.viewEnd - this.viewStart;
      const dt = (e.deltaY / 500) * span;
      this.viewStart += dt; this.viewEnd += dt;
      this.draw();
    } else {
      const max = Math.max(0, this.visible.length - this.pageRows());
      this.scrollRow = Math.max(0, Math.min(max, this.scrollRow + Math.sign(e.deltaY) * 3));
      this.draw();
    }
  }

  private onDrag(e: MouseEvent): void {
    if (this.dragX === null || !(e.buttons & 1)) return;
    const w = this.canvas.clientWidth - LABEL_W;
    const dx = e.offsetX - this.dragX;
    this.dragX = e.offsetX;
    const dt = (-dx / Math.max(w, 1)) * (this.viewEnd - this.viewStart);
    this.viewStart += dt; this.viewEnd += dt;
    this.draw();
  }

  private onClick(e: MouseEvent): void {
    if (e.offsetY < AXIS_H) return;
    const pos = this.scrollRow + Math.floor((e.offsetY - AXIS_H) / ROW_H);
    const row = this.visible[pos];
    if (row === undefined || !this.cols) return;
    const indent = 8 + Math.min(this.cols.depth[row] ?? 0, 40) * 12;
    if (e.offsetX >= indent - 2 && e.offsetX < indent + 10) this.toggle(row);
    this.canvas.focus();
    this.select(pos);
  }

  private onKey(e: KeyboardEvent): void {
    const pos = this.selected >= 0 ? this.posOf(this.selected) : -1;
    switch (e.key) {
      case "ArrowDown": case "j": this.select(pos + 1); break;
      case "ArrowUp": case "k": this.select(pos - 1); break;
      case "PageDown": this.select(pos + this.pageRows()); break;
      case "PageUp": this.select(pos - this.pageRows()); break;
      case "Home": this.select(0); break;
      case "End": this.select(this.visible.length - 1); break;
      case "ArrowLeft": case "ArrowRight": case "Enter":
        if (this.selected >= 0) this.toggle(this.selected);
        break;
      case "+": case "=": this.zoom(0.8, LABEL_W + (this.canvas.clientWidth - LABEL_W) / 2); break;
      case "-": this.zoom(1.25, LABEL_W + (this.canvas.clientWidth - LABEL_W) / 2); break;
      case "0": this.resetZoom(); break;
      default: return;
    }
    e.preventDefault();
  }

  draw(): void {
    const cv = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const W = cv.clientWidth, H = cv.clientHeight;
    if (cv.width !== Math.round(W * dpr) || cv.height !== Math.round(H * dpr)) {
      cv.width = Math.round(W * dpr);
      cv.height = Math.round(H * dpr);
    }
    const g = cv.getContext("2d");
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const css = getComputedStyle(document.documentElement);
    const color = (name: string) => css.getPropertyValue(name).trim() || "#888";
    g.fillStyle = color("--bg");
    g.fillRect(0, 0, W, H);
    const c = this.cols;
    if (!c) return;
    const barW = Math.max(1, W - LABEL_W - 8);
    const span = Math.max(1, this.viewEnd - this.viewStart);
    const x = (t: number) => LABEL_W + ((t - this.viewStart) / span) * barW;
    g.font = "12px system-ui, sans-serif";
    g.textBaseline = "middle";
    // Time axis.
    g.fillStyle = color("--muted");
    g.strokeStyle = color("--line");
    for (let i = 0; i <= 5; i++) {
      const t = this.viewStart + (span * i) / 5;
      const px = LABEL_W + (barW * i) / 5;
      g.fillText(fmtNs(t), Math.min(px + 2, W - 50), AXIS_H / 2);
      g.beginPath(); g.moveTo(px + 0.5, AXIS_H); g.lineTo(px + 0.5, H); g.stroke();
    }
    const page = this.pageRows() + 1;
    for (let p = 0; p < page; p++) {
      const row = this.visible[this.scrollRow + p];
      if (row === undefined) break;
      const y = AXIS_H + p * ROW_H;
      const flags = c.flags[row] ?? 0;
      if (row === this.selected) {
        g.fillStyle = color("--sel");
        g.fillRect(0, y, W, ROW_H);
      }
      const depth = Math.min(c.depth[row] ?? 0, 40);
      const indent = 8 + depth * 12;
      g.fillStyle = color("--muted");
      if (flags & FLAG_HAS_CHILDREN) g.fillText(this.collapsed.has(row) ? "▸" : "▾", indent, y + ROW_H / 2);
      const name = c.strings[c.name[row] ?? 0] ?? "";
      const state = STATE_NAMES[c.state[row] ?? 0] ?? "";
      const err = (flags & FLAG_ERROR) !== 0 || state === "failed" || state === "timeout" || state === "dead";
      g.fillStyle = err ? color("--error") : color("--fg");
      const marks = [(flags & FLAG_ORPHAN) ? "orphan" : "", (flags & FLAG_SKEWED) ? "skew" : "", state].filter(Boolean).join(" ");
      const label = marks ? `${name}  [${marks}]` : name;
      g.save();
      g.beginPath(); g.rect(indent + 12, y, LABEL_W - indent - 16, ROW_H); g.clip();
      g.fillText(label, indent + 12, y + ROW_H / 2);
      g.restore();
      // The bar.
      const t0 = c.offset[row] ?? 0, d = c.duration[row] ?? 0;
      const x0 = Math.max(LABEL_W, x(t0)), x1 = Math.min(W, x(t0 + d));
      if (x1 >= LABEL_W && x0 <= W) {
        const cls = CLASS_NAMES[c.cls[row] ?? 3] ?? "other";
        g.fillStyle = err ? color("--error") : color(`--${cls}`);
        if (flags & FLAG_PLACEHOLDER) g.globalAlpha = 0.35;
        g.fillRect(x0, y + 4, Math.max(1, x1 - x0), ROW_H - 8);
        g.globalAlpha = 1;
        if (flags & FLAG_OPEN) {
          g.fillStyle = color("--muted");
          g.fillText("…", Math.min(x1 + 2, W - 10), y + ROW_H / 2);
        }
        if (flags & FLAG_CRITICAL) {
          g.strokeStyle = color("--crit");
          g.lineWidth = 1.5;
          g.strokeRect(x0 + 0.5, y + 3.5, Math.max(1, x1 - x0 - 1), ROW_H - 7);
          g.lineWidth = 1;
        }
        const txt = fmtNs(d);
        g.fillStyle = color("--muted");
        if (x1 + 60 < W) g.fillText(txt, x1 + 4, y + ROW_H / 2);
      }
    }
  }
}

// The agent graph of the open run (or of every run): the service's graph,
// laid out in a worker, drawn on one canvas. Clicking a node marks its
// spans in the trace views, as a search does.

import { api } from "./api";
import { fmtNs } from "./columns";
import { $, count, fail, say } from "./dom";
import { beginFrame, palette } from "./palette";
import { opened, rowOfNodeId } from "./trace";
import { model, showTracePane } from "./views";
import type { GraphDoc, GraphNode } from "./wire";

const COL_W = 230;
const ROW_H = 64;
const BOX_W = 170;
const BOX_H = 40;

const pane = $<HTMLElement>("#graph-pane");
const canvas = $<HTMLCanvasElement>("#graph");
const allRuns = $<HTMLInputElement>("#graph-all");

let doc: GraphDoc | null = null;
let px = new Float64Array(0);
let py = new Float64Array(0);
let view = { x: 20, y: 20, k: 1 };
/** The laid-out graph's size, in graph units. */
let extent = { w: 0, h: 0 };
/** Below this zoom a box is too small for its label: hover tells it. */
const LABEL_K = 0.4;

/** The whole graph in view when it fits at a readable zoom; else the
 * callers' end (the left) at the smallest readable zoom, to pan from. */
function fit(): void {
  const r = canvas.getBoundingClientRect();
  const k = Math.min(1, (r.width - 40) / Math.max(1, extent.w), (r.height - 40) / Math.max(1, extent.h));
  if (k >= LABEL_K) view = { x: (r.width - extent.w * k) / 2, y: (r.height - extent.h * k) / 2, k };
  else view = { x: 20, y: 20, k: LABEL_K };
}
let worker: Worker | null = null;
let seq = 0;
let picked = -1;

export function graphOpen(): boolean {
  return !pane.hidden;
}

function layoutWorker(): Worker {
  if (!worker) worker = new Worker(new URL("./graphlayout.worker.ts", import.meta.url), { type: "module" });
  return worker;
}

async function load(): Promise<void> {
  const trace = opened.id;
  if (!trace && !allRuns.checked) return;
  const mine = ++seq;
  try {
    const g = await api.graph(allRuns.checked ? { run_min_ns: 0 } : { trace: trace ?? "", run_min_ns: 0 });
    if (mine !== seq) return;
    const from = new Uint32Array(g.edges.map((e) => e.from));
    const to = new Uint32Array(g.edges.map((e) => e.to));
    const w = layoutWorker();
    w.onmessage = (
      e: MessageEvent<{ seq: number; col: Float64Array; row: Float64Array; columns: number; tallest: number }>,
    ) => {
      if (e.data.seq !== mine) return;
      doc = g;
      px = Float64Array.from(e.data.col, (c) => c * COL_W);
      py = Float64Array.from(e.data.row, (r) => r * ROW_H);
      extent = { w: (e.data.columns - 1) * COL_W + BOX_W, h: (e.data.tallest - 1) * ROW_H + BOX_H };
      picked = -1;
      fit();
      canvas.dataset.nodes = String(g.nodes.length);
      canvas.dataset.edges = String(g.edges.length);
      $<HTMLSpanElement>("#graph-info").textContent =
        `${count(g.traces, "run")}, ${count(g.spans, "span")}: ${count(g.nodes.length, "node")}, ${count(g.edges.length, "edge")}`;
      draw();
    };
    w.postMessage({ n: g.nodes.length, from, to, seq: mine });
  } catch (e) {
    fail(e);
  }
}

export function openGraph(): void {
  showTracePane("graph");
  void load();
  canvas.focus();
}

export function closeGraph(): void {
  if (!pane.hidden) showTracePane("views");
}

function kindColour(n: GraphNode): string {
  const p = palette();
  switch (n.kind) {
    case "agent":
      return p.agent;
    case "model":
      return p.llm;
    case "tool":
      return p.tool;
    default:
      return p.other;
  }
}

function draw(): void {
  const f = beginFrame(canvas);
  if (!f || !doc) return;
  const { g, p } = f;
  const k = view.k;
  const sx = (x: number) => view.x + x * k;
  const sy = (y: number) => view.y + y * k;
  g.font = "12px system-ui, sans-serif";
  g.textBaseline = "middle";
  const maxCalls = Math.max(1, ...doc.edges.map((e) => e.calls));
  for (const e of doc.edges) {
    const x0 = sx((px[e.from] ?? 0) + BOX_W),
      y0 = sy((py[e.from] ?? 0) + BOX_H / 2);
    const x1 = sx(px[e.to] ?? 0),
      y1 = sy((py[e.to] ?? 0) + BOX_H / 2);
    g.strokeStyle = e.errors > 0 ? p.error : p.muted;
    g.lineWidth = Math.max(0.5, (1 + 4 * Math.sqrt(e.calls / maxCalls)) * Math.min(1, k));
    g.beginPath();
    g.moveTo(x0, y0);
    // Back edges (a cycle) bend around: same shape, it reads as a loop.
    const mid = (x0 + x1) / 2;
    g.bezierCurveTo(mid, y0, mid, y1, x1, y1);
    g.stroke();
    // Labels on a few edges only: on many they pile up where edges meet
    // (hovering a node tells its figures).
    if (k > 0.6 && doc.edges.length <= 12) {
      g.fillStyle = p.muted;
      g.fillText(
        `${e.calls}× ${fmtNs(e.duration_ns)}${e.errors ? ` · ${e.errors} err` : ""}`,
        mid - 30,
        (y0 + y1) / 2 - 8,
      );
    }
  }
  g.lineWidth = 1;
  const w = BOX_W * k,
    h = BOX_H * k;
  // Text is drawn at its own size in screen space: one line (the name)
  // when a box is small, two when there is room, none below LABEL_K.
  const lines = k >= 0.8 ? 2 : k >= LABEL_K ? 1 : 0;
  g.font = `${lines === 2 ? 12 : 11}px system-ui, sans-serif`;
  doc.nodes.forEach((n, i) => {
    const x = sx(px[i] ?? 0),
      y = sy(py[i] ?? 0);
    if (x > canvas.clientWidth || y > canvas.clientHeight || x + w < 0 || y + h < 0) return;
    g.fillStyle = kindColour(n);
    g.fillRect(x, y, w, h);
    if (n.errors > 0 || i === picked) {
      g.strokeStyle = i === picked ? p.fg : p.error;
      g.lineWidth = 2;
      g.strokeRect(x + 1, y + 1, w - 2, h - 2);
      g.lineWidth = 1;
    }
    if (lines === 0) return;
    g.save();
    g.beginPath();
    g.rect(x, y, w - 4, h);
    g.clip();
    g.fillStyle = "#fff";
    if (lines === 2) {
      g.fillText(n.name, x + 6, y + h / 2 - 8);
      g.fillText(`${n.kind} · ${count(n.calls, "call")} · ${fmtNs(n.duration_ns)}`, x + 6, y + h / 2 + 8);
    } else g.fillText(n.name, x + 4, y + h / 2);
    g.restore();
  });
}

function nodeAt(cx: number, cy: number): number {
  if (!doc) return -1;
  const x = (cx - view.x) / view.k,
    y = (cy - view.y) / view.k;
  for (let i = doc.nodes.length - 1; i >= 0; i--) {
    const nx = px[i] ?? 0,
      ny = py[i] ?? 0;
    if (x >= nx && x <= nx + BOX_W && y >= ny && y <= ny + BOX_H) return i;
  }
  return -1;
}

/** Marks node `i`'s spans in the open trace and selects the first. */
function pick(i: number): void {
  const n = doc?.nodes[i];
  const c = model.cols;
  picked = i;
  draw();
  if (!n || !c || n.nodes.length === 0) return;
  const rows = n.nodes.map(rowOfNodeId).filter((r): r is number => r !== undefined);
  rows.sort((a, b) => a - b);
  model.setMatches(rows);
  if (rows[0] !== undefined) model.select(rows[0]);
  say(`${n.name}: ${count(rows.length, "span")} marked (n / N step through them)`);
  canvas.dataset.marked = String(rows.length);
}

/** Where node `name` is drawn, in canvas pixels (for tests). */
function boxOf(name: string): { x: number; y: number } | null {
  const i = doc?.nodes.findIndex((n) => n.name === name) ?? -1;
  if (i < 0) return null;
  return {
    x: view.x + ((px[i] ?? 0) + BOX_W / 2) * view.k,
    y: view.y + ((py[i] ?? 0) + BOX_H / 2) * view.k,
  };
}

export function initGraph(): void {
  const hooks = (window as unknown as { tracelens?: Record<string, unknown> }).tracelens;
  if (hooks) hooks.graphBox = boxOf;
  $<HTMLButtonElement>("#graph-open").addEventListener("click", openGraph);
  $<HTMLButtonElement>("#graph-close").addEventListener("click", closeGraph);
  allRuns.addEventListener("change", () => void load());
  model.subscribe((c) => {
    if (c === "trace" && graphOpen() && !allRuns.checked) void load();
  });
  let drag: { x: number; y: number; moved: boolean } | null = null;
  canvas.addEventListener("mousedown", (e) => {
    drag = { x: e.offsetX, y: e.offsetY, moved: false };
  });
  // A drag that moved is a pan, not a click on the node under it.
  let panned = false;
  window.addEventListener("mouseup", () => {
    panned = drag?.moved ?? false;
    drag = null;
  });
  canvas.addEventListener("mousemove", (e) => {
    if (!drag) {
      const n = doc?.nodes[nodeAt(e.offsetX, e.offsetY)];
      canvas.title = n
        ? `${n.name} (${n.kind}): ${count(n.calls, "call")}, ${count(n.errors, "error")}, ${fmtNs(n.duration_ns)} (self ${fmtNs(n.self_ns)})${n.input_tokens + n.output_tokens > 0 ? `, ${n.input_tokens} in / ${n.output_tokens} out tokens` : ""}`
        : "";
      return;
    }
    const dx = e.offsetX - drag.x,
      dy = e.offsetY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
    view.x += dx;
    view.y += dy;
    drag.x = e.offsetX;
    drag.y = e.offsetY;
    draw();
  });
  canvas.addEventListener("click", (e) => {
    if (panned) return;
    const i = nodeAt(e.offsetX, e.offsetY);
    if (i >= 0) pick(i);
  });
  canvas.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const f = e.deltaY < 0 ? 1.15 : 1 / 1.15;
      const k = Math.max(0.1, Math.min(4, view.k * f));
      view.x = e.offsetX - ((e.offsetX - view.x) * k) / view.k;
      view.y = e.offsetY - ((e.offsetY - view.y) * k) / view.k;
      view.k = k;
      draw();
    },
    { passive: false },
  );
  canvas.addEventListener("keydown", (e) => {
    if (e.key === "0" || e.key === "Home") {
      fit();
      draw();
      e.preventDefault();
      return;
    }
    if (e.key === "Escape") {
      closeGraph();
      e.preventDefault();
      e.stopPropagation();
    }
  });
  window.addEventListener("resize", () => {
    if (graphOpen()) draw();
  });
}

// The compare view: the open run aligned step by step with another run, or
// with the usual shape of its good runs, as the service's diff gives it.
// One canvas draws the rows in view (never a DOM node per step): the step,
// each side's bar on a shared scale, the change in time, what changed.

import { api } from "./api";
import { fmtNs } from "./columns";
import { $, count, fail, say } from "./dom";
import { allListed } from "./list";
import { beginFrame } from "./palette";
import { openTrace, opened } from "./trace";
import { showTracePane, stateHooks } from "./views";
import type { DiffDoc, DiffRow } from "./wire";

const ROW_H = 20;
const HEAD_H = 22;
const LABEL_W = 320;

const pane = $<HTMLElement>("#compare-pane");
const withSel = $<HTMLSelectElement>("#compare-with");
const changedOnly = $<HTMLInputElement>("#compare-changed");
const canvas = $<HTMLCanvasElement>("#compare");

/** Rows come in pages as they scroll into view: 100k steps a side are
 * never one document. */
const PAGE = 1000;
let doc: DiffDoc | null = null;
const pages = new Map<number, DiffRow[]>();
const asked = new Set<number>();
let query: { a: string; b?: string; differences: boolean } | null = null;
let scroll = 0;
/** The selected row's position among the rows shown. */
let selected = -1;

export function compareOpen(): boolean {
  return !pane.hidden;
}

/** What the open compare view compares with: a trace id, "" for the baseline, null when closed. */
export function comparedWith(): string | null {
  return pane.hidden ? null : withSel.value;
}

function fillChoices(a: string, b: string | null): void {
  const opts: HTMLOptionElement[] = [];
  const base = document.createElement("option");
  base.value = "";
  base.textContent = "the usual shape of its good runs (baseline)";
  opts.push(base);
  for (const t of allListed()) {
    if (t.trace_id === a) continue;
    const o = document.createElement("option");
    o.value = t.trace_id;
    o.textContent = `${t.root_name} — ${t.trace_id.slice(0, 12)}… ${fmtNs(t.duration_ns)}${t.error_count ? " (errors)" : ""}`;
    opts.push(o);
  }
  withSel.replaceChildren(...opts);
  withSel.value = b ?? "";
}

/** B's value against A's: "=", or the signed difference ("+600ms", "−3"). */
function delta(a: number, b: number, fmt: (v: number) => string): string {
  const d = b - a;
  return d === 0 ? "=" : `${d > 0 ? "+" : "−"}${fmt(Math.abs(d))}`;
}

function rowAtPos(pos: number): DiffRow | undefined {
  return pages.get(Math.floor(pos / PAGE))?.[pos % PAGE];
}

function total(): number {
  return doc ? doc.rows_total : 0;
}

/** Fetches the page holding row `pos`, once. */
function need(pos: number): void {
  const p = Math.floor(pos / PAGE);
  if (pages.has(p) || asked.has(p) || !query) return;
  asked.add(p);
  const q = query;
  api
    .diff({ ...q, offset: p * PAGE, limit: PAGE })
    .then((d) => {
      if (q !== query) return;
      pages.set(p, d.rows);
      draw();
    })
    .catch(fail);
}

function renderTotals(d: DiffDoc): void {
  const t = $<HTMLElement>("#compare-totals");
  const name = (ids: string[]) =>
    ids.length === 1 ? `${ids[0]?.slice(0, 12)}…` : `baseline of ${count(ids.length, "good run")}`;
  const table = document.createElement("table");
  const head = table.insertRow();
  for (const h of ["", `A: ${name(d.a.trace_ids)}`, `B: ${name(d.b.trace_ids)}`, "change"]) {
    const th = document.createElement("th");
    th.textContent = h;
    head.append(th);
  }
  const line = (label: string, a: number, b: number, fmt: (v: number) => string) => {
    const r = table.insertRow();
    for (const v of [label, fmt(a), fmt(b), delta(a, b, fmt)]) {
      r.insertCell().textContent = v;
    }
  };
  line("duration", d.a.duration_ns, d.b.duration_ns, fmtNs);
  for (const k of ["agent", "llm", "tool", "other"] as const) {
    line(`self time ${k}`, d.a.breakdown[k], d.b.breakdown[k], fmtNs);
  }
  for (const k of ["init", "tools", "llm", "format"] as const) {
    if (d.a.phases[k] || d.b.phases[k]) line(`phase ${k}`, d.a.phases[k], d.b.phases[k], fmtNs);
  }
  line("errors", d.a.errors, d.b.errors, String);
  line("LLM calls", d.a.llm_calls, d.b.llm_calls, String);
  line("tokens in", d.a.input_tokens, d.b.input_tokens, String);
  line("tokens out", d.a.output_tokens, d.b.output_tokens, String);
  const parts = document.createElement("p");
  const at = d.critical_parts_at;
  parts.textContent =
    at === null
      ? "Critical paths: the same steps."
      : `Critical paths part at step ${at + 1}: A goes on with ${d.a.critical_path[at]?.label ?? "(nothing)"}, B with ${d.b.critical_path[at]?.label ?? "(nothing)"}.`;
  t.replaceChildren(table, parts);
  const c = d.counts;
  $<HTMLSpanElement>("#compare-counts").textContent =
    `${count(c.same + c.changed + c.only_a + c.only_b, "step")}: ${c.same} same, ${c.changed} changed, ${c.only_a} only in A, ${c.only_b} only in B`;
}

async function load(): Promise<void> {
  const a = opened.id;
  if (!a) return;
  const b = withSel.value || undefined;
  const q = b ? { a, b, differences: changedOnly.checked } : { a, differences: changedOnly.checked };
  query = q;
  pages.clear();
  asked.clear();
  say("comparing…");
  try {
    const d = await api.diff({ ...q, offset: 0, limit: PAGE });
    if (query !== q) return;
    doc = d;
    pages.set(0, d.rows);
    asked.add(0);
    scroll = 0;
    selected = -1;
    renderTotals(d);
    canvas.dataset.rows = String(d.rows_total);
    canvas.dataset.sideA = String(d.a.trace_ids.length);
    canvas.dataset.changed = String(d.counts.changed);
    canvas.dataset.onlyA = String(d.counts.only_a);
    canvas.dataset.onlyB = String(d.counts.only_b);
    say(`compared: ${count(d.rows_total, "step")}`);
    draw();
  } catch (e) {
    fail(e);
  }
}

export function openCompare(b: string | null = null): void {
  const a = opened.id;
  if (!a) {
    say("open a trace first");
    return;
  }
  fillChoices(a, b);
  showTracePane("compare");
  void load();
  canvas.focus();
}

export function closeCompare(): void {
  doc = null;
  query = null;
  pages.clear();
  asked.clear();
  if (!pane.hidden) showTracePane("views");
}

function kindColour(r: DiffRow): string {
  switch (r.kind) {
    case "only_a":
      return "rgba(220, 60, 60, 0.16)";
    case "only_b":
      return "rgba(40, 160, 80, 0.16)";
    case "changed":
      return "rgba(230, 160, 20, 0.16)";
    default:
      return "";
  }
}

function draw(): void {
  const f = beginFrame(canvas);
  if (!f || !doc) return;
  const { g, W, H, p } = f;
  const scale = Math.max(1, doc.a.duration_ns, doc.b.duration_ns);
  const barW = Math.max(80, Math.floor((W - LABEL_W) * 0.45));
  const deltaX = LABEL_W + barW + 8;
  g.fillStyle = p.muted;
  g.fillText("step", 8, HEAD_H / 2);
  g.fillText("A ▬ / B ▬ (one scale)", LABEL_W, HEAD_H / 2);
  g.fillText("change", deltaX, HEAD_H / 2);
  const page = Math.floor((H - HEAD_H) / ROW_H);
  for (let k = 0; k < page; k++) {
    const i = scroll + k;
    if (i >= total()) break;
    const y = HEAD_H + k * ROW_H;
    const r = rowAtPos(i);
    if (!r) {
      need(i);
      g.fillStyle = p.muted;
      g.fillText("…", 8, y + ROW_H / 2);
      continue;
    }
    const tint = kindColour(r);
    if (tint) {
      g.fillStyle = tint;
      g.fillRect(0, y, W, ROW_H);
    }
    if (i === selected) {
      g.fillStyle = p.sel;
      g.fillRect(0, y, W, ROW_H);
    }
    g.save();
    g.beginPath();
    g.rect(0, y, LABEL_W - 4, ROW_H);
    g.clip();
    g.fillStyle = p.fg;
    const mark = r.kind === "only_a" ? "− " : r.kind === "only_b" ? "+ " : r.kind === "changed" ? "~ " : "  ";
    g.fillText(mark + r.label, 8 + Math.min(r.depth, 30) * 12, y + ROW_H / 2);
    g.restore();
    const bar = (f: typeof r.a, top: number, colour: string) => {
      if (!f) return;
      const x = LABEL_W + (f.offset_ns / scale) * barW;
      g.fillStyle = colour;
      g.fillRect(x, y + top, Math.max(1, (f.duration_ns / scale) * barW), 6);
    };
    bar(r.a, 3, p.other);
    bar(r.b, 11, bFailed(r) ? p.error : p.llm);
    const a = r.a?.duration_ns,
      b = r.b?.duration_ns;
    let text = "";
    if (a !== undefined && b !== undefined) text = delta(a, b, fmtNs);
    else if (a !== undefined) text = `only A ${fmtNs(a)}`;
    else if (b !== undefined) text = `only B ${fmtNs(b)}`;
    const changes = r.changes
      .filter((c) => c.field !== "duration")
      .map((c) => `${c.field}: ${c.a ?? "–"} → ${c.b ?? "–"}`)
      .join("; ");
    g.save();
    g.beginPath();
    g.rect(deltaX, y, W - deltaX, ROW_H);
    g.clip();
    g.fillStyle = r.kind === "same" ? p.muted : p.fg;
    g.fillText(changes ? `${text}  ${changes}` : text, deltaX, y + ROW_H / 2);
    g.restore();
  }
}

function bFailed(r: DiffRow): boolean {
  return Boolean(r.b?.error) || r.b?.state === "failed" || r.b?.state === "dead" || r.b?.state === "timeout";
}

function rowAt(y: number): number {
  if (y < HEAD_H) return -1;
  const pos = scroll + Math.floor((y - HEAD_H) / ROW_H);
  return pos < total() ? pos : -1;
}

function scrollTo(pos: number): void {
  const page = Math.max(1, Math.floor((canvas.clientHeight - HEAD_H) / ROW_H));
  scroll = Math.max(0, Math.min(Math.max(0, total() - page), pos));
  draw();
}

/** Opens the selected step in its run (B's span, else A's). */
function openRow(i: number): void {
  const r = rowAtPos(i);
  if (!doc || !r) return;
  const side = r.b?.node !== undefined && r.b?.node !== null ? "b" : "a";
  const f = side === "b" ? r.b : r.a;
  const trace = (side === "b" ? doc.b : doc.a).trace_ids;
  if (!f || f.node === null || trace.length !== 1 || !trace[0]) return;
  closeCompare();
  void openTrace(trace[0], f.node);
}

export function initCompare(): void {
  $<HTMLButtonElement>("#compare-open").addEventListener("click", () => openCompare());
  $<HTMLButtonElement>("#compare-close").addEventListener("click", closeCompare);
  withSel.addEventListener("change", () => {
    stateHooks.changed();
    void load();
  });
  changedOnly.addEventListener("change", () => void load());
  canvas.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      scrollTo(scroll + Math.sign(e.deltaY) * 3);
    },
    { passive: false },
  );
  canvas.addEventListener("click", (e) => {
    selected = rowAt(e.offsetY);
    draw();
  });
  canvas.addEventListener("dblclick", (e) => openRow(rowAt(e.offsetY)));
  canvas.addEventListener("keydown", (e) => {
    const pos = selected;
    const page = Math.max(1, Math.floor((canvas.clientHeight - HEAD_H) / ROW_H));
    const move = (to: number) => {
      const p = Math.max(0, Math.min(total() - 1, to));
      selected = p;
      if (p < scroll) scroll = p;
      if (p >= scroll + page) scroll = p - page + 1;
      draw();
    };
    if (e.key === "ArrowDown") move(pos + 1);
    else if (e.key === "ArrowUp") move(pos - 1);
    else if (e.key === "PageDown") move(pos + page);
    else if (e.key === "PageUp") move(pos - page);
    else if (e.key === "Enter") openRow(selected);
    else if (e.key === "Escape") closeCompare();
    else return;
    e.preventDefault();
    e.stopPropagation();
  });
  window.addEventListener("resize", () => {
    if (compareOpen()) draw();
  });
}

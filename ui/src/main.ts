// The page: trace list, waterfall, details. Every figure comes from the API
// (the service layer); this file only arranges and draws.

import { getBytes, getJson, type SearchResult, type SpanDetail, type SummaryDoc, type TraceSummary } from "./api";
import { decodeColumns, fmtNs } from "./columns";
import { renderDetail } from "./detail";
import { Waterfall } from "./waterfall";

const $ = <T extends HTMLElement>(sel: string): T => {
  const e = document.querySelector<T>(sel);
  if (!e) throw new Error(`missing ${sel}`);
  return e;
};

const tbody = $<HTMLTableSectionElement>("#traces tbody");
const status = $<HTMLSpanElement>("#status");
const filter = $<HTMLInputElement>("#filter");
const corr = $<HTMLInputElement>("#corr");
const detail = $<HTMLElement>("#detail");
const title = $<HTMLDivElement>("#trace-title");

let traces: TraceSummary[] = [];
let only: Set<string> | null = null;
let current: string | null = null;

const waterfall = new Waterfall($<HTMLCanvasElement>("#waterfall"), (_row, node) => {
  if (current) void showSpan(current, node);
});

function say(msg: string): void {
  status.textContent = msg;
}

function td(text: string, cls?: string): HTMLTableCellElement {
  const c = document.createElement("td");
  c.textContent = text;
  if (cls) c.className = cls;
  return c;
}

let shownKey = "";

function renderList(): void {
  const q = filter.value.trim().toLowerCase();
  const shown = traces.filter((t) => {
    if (only && !only.has(t.trace_id)) return false;
    const hay = [t.root_name, t.trace_id, ...t.services, ...t.agents.map((a) => a.state)].join(" ").toLowerCase();
    return !q || hay.includes(q);
  });
  // Rebuilding rows that did not change would detach the row under a click
  // in progress (a blur that re-filters fires between mousedown and click).
  const key = `${current ?? ""}|${shown.map((t) => t.trace_id).join(",")}`;
  if (key === shownKey) return;
  shownKey = key;
  tbody.replaceChildren();
  for (const t of shown) {
    const states = t.agents.map((a) => a.state);
    const tr = document.createElement("tr");
    tr.dataset.traceId = t.trace_id;
    if (t.trace_id === current) tr.className = "selected";
    const problems = states.filter((s) => s === "failed" || s === "timeout" || s === "dead");
    tr.append(
      td(t.root_name),
      td(t.services.join(", ")),
      td(fmtNs(t.duration_ns), "num"),
      td(String(t.span_count), "num"),
      td(String(t.error_count), t.error_count ? "num err" : "num"),
      td(problems.length ? problems.join(", ") : `${states.length} ok`, problems.length ? "err" : "muted"),
    );
    tr.addEventListener("click", () => void openTrace(t.trace_id));
    tbody.append(tr);
  }
}

async function openTrace(id: string): Promise<void> {
  current = id;
  delete waterfall.canvas.dataset.trace;
  renderList();
  const t = traces.find((x) => x.trace_id === id);
  title.textContent = t ? `${t.root_name} — ${t.trace_id} — ${t.span_count} spans, ${fmtNs(t.duration_ns)}` : id;
  say("loading trace…");
  const t0 = performance.now();
  const cols = decodeColumns(await getBytes(`/api/traces/${id}/columns`));
  waterfall.show(cols);
  waterfall.canvas.dataset.trace = id;
  say(`${cols.rows} spans drawn in ${Math.round(performance.now() - t0)} ms`);
}

let detailSeq = 0;
async function showSpan(trace: string, node: number): Promise<void> {
  // Answers can arrive out of order when the selection moves fast: keep the last.
  const seq = ++detailSeq;
  const d = await getJson<SpanDetail>(`/api/traces/${trace}/nodes/${node}`);
  if (seq !== detailSeq) return;
  renderDetail(detail, d, (v) => { corr.value = v; void searchCorrelation(v); });
}

async function searchCorrelation(value: string): Promise<void> {
  if (!value) { only = null; renderList(); return; }
  const res = await getJson<SearchResult>(`/api/search?id=${encodeURIComponent(value)}`);
  only = new Set(res.traces.map((t) => t.trace_id));
  say(`${res.traces.length} traces carry ${value}`);
  renderList();
}

filter.addEventListener("input", renderList);
corr.addEventListener("change", () => void searchCorrelation(corr.value.trim()));
document.addEventListener("keydown", (e) => {
  if (e.key === "/" && document.activeElement !== filter && document.activeElement !== corr) {
    e.preventDefault();
    filter.focus();
  }
});

async function start(): Promise<void> {
  try {
    const doc = await getJson<SummaryDoc>("/api/summary");
    traces = doc.traces;
    say(`${traces.length} traces${doc.warnings.length ? `, ${doc.warnings.length} warnings` : ""}`);
    renderList();
    const first = traces[0];
    if (first) await openTrace(first.trace_id);
  } catch (e) {
    say(`cannot load: ${e instanceof Error ? e.message : String(e)}`);
  }
}

void start();

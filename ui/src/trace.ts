// The open trace: loading its columns into the views, the selected span's
// details and why, the breakdown, and following links and causes.

import { api, clickhouse, type SpanDetail } from "./api";
import { renderBreakdown } from "./breakdown";
import { decodeColumns, fmtNs, rowOfNode } from "./columns";
import { renderDetail, renderLogs, renderWhy } from "./detail";
import { $, count, fail, say } from "./dom";
import { clearFind } from "./find";
import { listed, renderList, searchCorrelation } from "./list";
import { LogsPanel } from "./logs";
import { storedSince } from "./source";
import { filterTerms, model, shown, sideHooks, waterfall } from "./views";

/** The trace shown (null: none yet, or the next load picks the newest). */
export const opened = { id: null as string | null };
let nodeRow = new Map<number, number>();
let breakdownScope: "trace" | "subtree" = "trace";

const detail = $<HTMLElement>("#detail");
const logsPanel = new LogsPanel($<HTMLElement>("#logs"), { pick: (n) => selectNode(n) });

/** The open trace's row of node `n` (a node id of the service's tree). */
export function rowOfNodeId(n: number): number | undefined {
  return nodeRow.get(n);
}

/** Selects the row of node `n` (a node id of the service's tree). */
export function selectNode(n: number): void {
  model.select(nodeRow.get(n) ?? 0);
}

function clearDetail(): void {
  const p = document.createElement("p");
  p.className = "muted";
  p.textContent = "Select a span.";
  detail.replaceChildren(p);
}

export async function openTrace(id: string, selectAt?: number, keepSelection = false): Promise<void> {
  const keepRow = keepSelection ? model.selected : -1;
  // Another trace: the details shown were of a span of the last one.
  if (!keepSelection && id !== opened.id) clearDetail();
  opened.id = id;
  delete waterfall.canvas.dataset.trace;
  delete waterfall.canvas.dataset.markers;
  renderList();
  const title = $<HTMLSpanElement>("#trace-title");
  const t = listed(id);
  title.textContent = t
    ? `${t.root_name} — ${t.trace_id.slice(0, 16)}… — ${count(t.span_count, "span")}, ${fmtNs(t.duration_ns)}`
    : id;
  title.title = id;
  say("loading trace…");
  try {
    const t0 = performance.now();
    const cols = decodeColumns(await api.columns(id));
    if (opened.id !== id) return;
    nodeRow = rowOfNode(cols);
    model.load(id, cols);
    logsPanel.setTrace(id);
    clearFind();
    waterfall.canvas.dataset.trace = id;
    say(`${count(cols.rows, "span")} drawn in ${Math.round(performance.now() - t0)} ms`);
    // Event markers arrive after the first frame: they never delay it.
    void api
      .markers(id)
      .then((m) => {
        model.setMarkers(id, m);
        waterfall.canvas.dataset.markers = String(m.row.length);
      })
      .catch(fail);
    if (selectAt !== undefined) selectNode(selectAt);
    else if (keepRow >= 0 && keepRow < cols.rows) model.select(keepRow);
    else if (shown.side === "breakdown") void showBreakdown();
  } catch (e) {
    fail(e);
  }
}

/** Opens a trace with the cause of its first failure selected. */
export async function openAtCause(id: string): Promise<void> {
  try {
    const why = await api.why(id, null);
    const chain = why.chains[0];
    await openTrace(id, chain ? chain.steps[chain.steps.length - 1]?.node : undefined);
  } catch (e) {
    fail(e);
  }
}

let detailSeq = 0;
async function showSpan(row: number): Promise<void> {
  const c = model.cols;
  const trace = opened.id;
  if (!c || !trace) return;
  // Answers can arrive out of order when the selection moves fast: keep the last.
  const seq = ++detailSeq;
  try {
    const node = c.node[row] ?? 0;
    const [d, why, logs] = await Promise.all([
      api.node(trace, node),
      api.why(trace, node),
      api.logs({ trace, node, offset: 0, limit: 50 }),
    ]);
    if (seq !== detailSeq) return;
    const act = {
      search: (v: string) => {
        $<HTMLInputElement>("#corr").value = v;
        void searchCorrelation(v);
      },
      link: (t: string, s: string) => void followLink(t, s),
      pick: selectNode,
      loadOmitted: storedSince() !== null ? (x: SpanDetail) => clickhouse.spanAttrs(x.trace_id, x.span_id) : undefined,
    };
    renderDetail(detail, d, act);
    renderWhy(detail, why, act);
    renderLogs(detail, logs);
  } catch (e) {
    fail(e);
  }
}

let breakdownSeq = 0;
async function showBreakdown(): Promise<void> {
  const c = model.cols;
  const trace = opened.id;
  if (!c || !trace) return;
  const seq = ++breakdownSeq;
  const node = breakdownScope === "subtree" && model.selected >= 0 ? (c.node[model.selected] ?? null) : null;
  try {
    const b = await api.breakdown(trace, node, filterTerms);
    if (seq !== breakdownSeq) return;
    renderBreakdown($<HTMLElement>("#breakdown"), b, {
      pick: selectNode,
      scope: (s) => {
        breakdownScope = s;
        void showBreakdown();
      },
    });
  } catch (e) {
    fail(e);
  }
}

async function followLink(trace: string, span: string): Promise<void> {
  try {
    const d = await api.span(trace, span);
    if (opened.id === d.trace_id && model.cols) selectNode(d.node);
    else await openTrace(d.trace_id, d.node);
  } catch (e) {
    fail(e);
  }
}

export function initTrace(): void {
  model.onSelect = (row) => {
    logsPanel.setNode(model.cols?.node[row] ?? null);
    if (shown.side === "detail") void showSpan(row);
    else if (shown.side === "breakdown") void showBreakdown();
  };
  sideHooks.onSide = (s) => {
    if (s === "breakdown") void showBreakdown();
    else if (s === "logs") logsPanel.draw();
    else if (model.selected >= 0) void showSpan(model.selected);
  };
}

// The page: trace list, trace views (waterfall, flame graph), details and
// breakdown. Every figure comes from the service layer through `api`; this
// file only arranges, routes input and draws.

import { api, clickhouse, desktop, opener, type ChTraceRow, type LiveStatus, type LoadStatus, type SavedConn, type SpanDetail, type TraceSummary } from "./api";
import { renderBreakdown } from "./breakdown";
import { decodeColumns, fmtNs, rowOfNode } from "./columns";
import { renderDetail, renderWhy } from "./detail";
import { Flame } from "./flame";
import { TraceModel } from "./model";
import { resetPalette } from "./palette";
import { Waterfall } from "./waterfall";

const $ = <T extends HTMLElement>(sel: string): T => {
  const e = document.querySelector<T>(sel);
  if (!e) throw new Error(`missing ${sel}`);
  return e;
};

const tbody = $<HTMLTableSectionElement>("#traces tbody");
const status = $<HTMLSpanElement>("#status");
const filter = $<HTMLInputElement>("#filter");
const minDur = $<HTMLInputElement>("#min-dur");
const corr = $<HTMLInputElement>("#corr");
const detail = $<HTMLElement>("#detail");
const breakdownPane = $<HTMLElement>("#breakdown");
const title = $<HTMLSpanElement>("#trace-title");
const find = $<HTMLInputElement>("#find");
const findCount = $<HTMLSpanElement>("#find-count");

const model = new TraceModel();
const waterfall = new Waterfall($<HTMLCanvasElement>("#waterfall"), $<HTMLCanvasElement>("#minimap"), model);
const flame = new Flame($<HTMLCanvasElement>("#flame"), model);
let view: "waterfall" | "flame" = "waterfall";
let side: "detail" | "breakdown" = "detail";
let breakdownScope: "trace" | "subtree" = "trace";
let nodeRow = new Map<number, number>();

let traces: TraceSummary[] = [];
/** When the list comes from ClickHouse: its time range in seconds. */
let chSince: number | null = null;
let only: Set<string> | null = null;
/** A stored-trace relist waiting for typing to pause (0: none). */
let listTimer = 0;
/** Traces shown in part (live mode: the bounded store evicted earlier spans), with why. */
let incomplete = new Map<string, string>();
let current: string | null = null;
let sortKey = "start";
let sortDir = -1;

// For tests and the UI benchmark: the model (draw times, selection) and the views.
(window as unknown as { tracelens: unknown }).tracelens = { model, waterfall, flame };

function say(msg: string): void {
  status.textContent = msg;
}

function fail(e: unknown): void {
  say(`error: ${e instanceof Error ? e.message : String(e)}`);
}

function td(text: string, cls?: string): HTMLTableCellElement {
  const c = document.createElement("td");
  c.textContent = text;
  if (cls) c.className = cls;
  return c;
}

/** "30s", "1.5m", "250ms", "900us", "1h" (a bare number is seconds) to ns; null when not a duration. */
export function parseDuration(s: string): number | null {
  const m = s.trim().match(/^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|h)?$/i);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? "s").toLowerCase();
  const k = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[unit] ?? 1e9;
  return n * k;
}

function sortValue(t: TraceSummary): string | number {
  switch (sortKey) {
    case "root_name": return t.root_name;
    case "services": return t.services.join(",");
    case "duration_ns": return t.duration_ns;
    case "span_count": return t.span_count;
    case "error_count": return t.error_count;
    case "agents": return t.agents.filter((a) => a.state !== "completed").length;
    default: return t.start_time_unix_nano;
  }
}

let shownKey = "";

function renderList(): void {
  const q = filter.value.trim().toLowerCase();
  const min = parseDuration(minDur.value) ?? 0;
  minDur.classList.toggle("bad", minDur.value.trim() !== "" && parseDuration(minDur.value) === null);
  // Stored traces were filtered by ClickHouse over the whole range.
  const local = chSince === null;
  const shown = traces.filter((t) => {
    if (only && !only.has(t.trace_id)) return false;
    if (!local) return true;
    if (t.duration_ns < min) return false;
    const hay = [t.root_name, t.trace_id, ...t.services, ...t.agents.map((a) => a.state)].join(" ").toLowerCase();
    return !q || hay.includes(q);
  });
  shown.sort((a, b) => {
    const x = sortValue(a), y = sortValue(b);
    return (x < y ? -1 : x > y ? 1 : 0) * sortDir;
  });
  $<HTMLElement>("#empty").hidden = traces.length > 0 || !local;
  $<HTMLElement>("#empty-stored").hidden = traces.length > 0 || local;
  if (local) $<HTMLElement>("#more-stored").hidden = true;
  // Rebuilding rows that did not change would detach the row under a click
  // in progress (a blur that re-filters fires between mousedown and click).
  const key = `${current ?? ""}|${sortKey}${sortDir}|${shown.map((t) => t.trace_id + (incomplete.has(t.trace_id) ? "~" : "")).join(",")}`;
  if (key === shownKey) return;
  shownKey = key;
  tbody.replaceChildren();
  for (const t of shown) {
    const states = t.agents.map((a) => a.state);
    const tr = document.createElement("tr");
    tr.dataset.traceId = t.trace_id;
    if (t.trace_id === current) tr.className = "selected";
    const partial = incomplete.get(t.trace_id);
    if (partial !== undefined) {
      tr.classList.add("partial");
      tr.title = partial;
    }
    const problems = states.filter((s) => s !== "completed");
    const start = new Date(t.start_time_unix_nano / 1e6);
    const name = td(t.root_name, "name");
    name.title = t.root_name;
    if (partial !== undefined) {
      const mark = document.createElement("span");
      mark.className = "partial-mark";
      mark.textContent = "partial";
      name.prepend(mark);
    }
    tr.append(
      name,
      td(t.services.join(", ")),
      td(Number.isFinite(start.getTime()) ? start.toLocaleString() : "—", "muted"),
      td(fmtNs(t.duration_ns), "num"),
      td(String(t.span_count), "num"),
      td(String(t.error_count), t.error_count ? "num err" : "num"),
      // The stored list carries no agent states: they come with the trace.
      chSince !== null && states.length === 0
        ? td("—", "muted")
        : stateCell(t.trace_id, problems, states.length),
    );
    tr.addEventListener("click", () => void (chSince !== null ? openStored(t.trace_id) : openTrace(t.trace_id)));
    tbody.append(tr);
  }
}

/** The agents cell; a failed, timed-out or dead run's badge opens the trace at its cause. */
function stateCell(traceId: string, problems: string[], total: number): HTMLTableCellElement {
  const failed = problems.some((s) => s !== "running" && s !== "pending");
  const cell = td(problems.length ? problems.join(", ") : `${total} ok`, failed ? "err" : "muted");
  if (!failed || chSince !== null) return cell;
  cell.classList.add("to-cause");
  cell.title = "open at the cause";
  cell.addEventListener("click", (e) => {
    e.stopPropagation();
    void openAtCause(traceId);
  });
  return cell;
}

/** Opens a trace with the cause of its first failure selected. */
async function openAtCause(id: string): Promise<void> {
  try {
    const why = await api.why(id, null);
    const chain = why.chains[0];
    await openTrace(id, chain ? chain.steps[chain.steps.length - 1]?.node : undefined);
  } catch (e) {
    fail(e);
  }
}

function clearDetail(): void {
  const p = document.createElement("p");
  p.className = "muted";
  p.textContent = "Select a span.";
  detail.replaceChildren(p);
}

async function openTrace(id: string, selectNode?: number, keepSelection = false): Promise<void> {
  const keepRow = keepSelection ? model.selected : -1;
  // Another trace: the details shown were of a span of the last one.
  if (!keepSelection && id !== current) clearDetail();
  current = id;
  delete waterfall.canvas.dataset.trace;
  delete waterfall.canvas.dataset.markers;
  renderList();
  const t = traces.find((x) => x.trace_id === id);
  title.textContent = t ? `${t.root_name} — ${t.trace_id.slice(0, 16)}… — ${t.span_count} spans, ${fmtNs(t.duration_ns)}` : id;
  title.title = id;
  say("loading trace…");
  try {
    const t0 = performance.now();
    const cols = decodeColumns(await api.columns(id));
    if (current !== id) return;
    nodeRow = rowOfNode(cols);
    model.load(id, cols);
    find.value = "";
    findCount.textContent = "";
    waterfall.canvas.dataset.trace = id;
    say(`${cols.rows} spans drawn in ${Math.round(performance.now() - t0)} ms`);
    // Event markers arrive after the first frame: they never delay it.
    void api.markers(id).then((m) => {
      model.setMarkers(id, m);
      waterfall.canvas.dataset.markers = String(m.row.length);
    }).catch(fail);
    if (selectNode !== undefined) model.select(nodeRow.get(selectNode) ?? 0);
    else if (keepRow >= 0 && keepRow < cols.rows) model.select(keepRow);
    else if (side === "breakdown") void showBreakdown();
  } catch (e) {
    fail(e);
  }
}

let detailSeq = 0;
async function showSpan(row: number): Promise<void> {
  const c = model.cols;
  if (!c || !current) return;
  const trace = current;
  // Answers can arrive out of order when the selection moves fast: keep the last.
  const seq = ++detailSeq;
  try {
    const node = c.node[row] ?? 0;
    const [d, why] = await Promise.all([api.node(trace, node), api.why(trace, node)]);
    if (seq !== detailSeq) return;
    const act = {
      search: (v: string) => { corr.value = v; void searchCorrelation(v); },
      link: (t: string, s: string) => void followLink(t, s),
      pick: (n: number) => model.select(nodeRow.get(n) ?? 0),
      loadOmitted: chSince !== null ? (x: SpanDetail) => clickhouse.spanAttrs(x.trace_id, x.span_id) : undefined,
    };
    renderDetail(detail, d, act);
    renderWhy(detail, why, act);
  } catch (e) {
    fail(e);
  }
}

let breakdownSeq = 0;
async function showBreakdown(): Promise<void> {
  const c = model.cols;
  if (!c || !current) return;
  const seq = ++breakdownSeq;
  const node = breakdownScope === "subtree" && model.selected >= 0 ? c.node[model.selected] ?? null : null;
  try {
    const b = await api.breakdown(current, node);
    if (seq !== breakdownSeq) return;
    renderBreakdown(breakdownPane, b, {
      pick: (n) => model.select(nodeRow.get(n) ?? 0),
      scope: (s) => { breakdownScope = s; void showBreakdown(); },
    });
  } catch (e) {
    fail(e);
  }
}

async function followLink(trace: string, span: string): Promise<void> {
  try {
    const d = await api.span(trace, span);
    if (current === d.trace_id && model.cols) model.select(nodeRow.get(d.node) ?? 0);
    else await openTrace(d.trace_id, d.node);
  } catch (e) {
    fail(e);
  }
}

model.onSelect = (row) => {
  if (side === "detail") void showSpan(row);
  else void showBreakdown();
};

async function searchCorrelation(value: string): Promise<void> {
  // A relist still waiting for its debounce goes first: the search narrows
  // the list the other filters give.
  if (listTimer) { clearTimeout(listTimer); listTimer = 0; await listStored(); }
  if (!value) { only = null; renderList(); say(`${traces.length} traces`); return; }
  try {
    // Stored traces are searched in ClickHouse; opened files in the session.
    const ids = chSince !== null
      ? await clickhouse.search(value, chSince)
      : (await api.search(value)).traces.map((t) => t.trace_id);
    only = new Set(ids);
    say(`${ids.length} traces carry ${value}`);
    renderList();
  } catch (e) {
    fail(e);
  }
}

// Search inside the open trace.
let findTimer = 0;
let findAt = -1;
async function runFind(): Promise<void> {
  const id = current;
  const q = find.value.trim();
  if (!id || !model.cols) return;
  if (!q) { model.setMatches([]); findCount.textContent = ""; findAt = -1; return; }
  try {
    const m = await api.find(id, q);
    if (id !== current || q !== find.value.trim()) return;
    model.setMatches(m.rows);
    findAt = -1;
    findCount.textContent = m.count ? `${m.count} matches` : "no match";
  } catch (e) {
    fail(e);
  }
}

function stepMatch(dir: 1 | -1): void {
  const rows = model.matchRows;
  if (!rows.length) return;
  findAt = (findAt + dir + rows.length) % rows.length;
  model.select(rows[findAt] ?? 0);
  findCount.textContent = `${findAt + 1} / ${rows.length}`;
}

// "search" fires when a search field is cleared by Escape or its clear button,
// which does not always fire "input".
for (const ev of ["input", "search"]) {
  find.addEventListener(ev, () => {
    window.clearTimeout(findTimer);
    findTimer = window.setTimeout(() => void runFind(), 150);
  });
}
find.addEventListener("keydown", (e) => {
  if (e.key === "Enter") {
    e.preventDefault();
    window.clearTimeout(findTimer);
    const pending = model.matchRows.length === 0 && find.value.trim() !== "";
    void (pending ? runFind() : Promise.resolve()).then(() => stepMatch(e.shiftKey ? -1 : 1));
  }
});
$<HTMLButtonElement>("#find-next").addEventListener("click", () => stepMatch(1));
$<HTMLButtonElement>("#find-prev").addEventListener("click", () => stepMatch(-1));

// Views and side tabs.
function setView(v: "waterfall" | "flame"): void {
  view = v;
  waterfall.canvas.hidden = v !== "waterfall";
  $<HTMLCanvasElement>("#minimap").hidden = v !== "waterfall";
  flame.canvas.hidden = v !== "flame";
  $<HTMLButtonElement>("#view-waterfall").setAttribute("aria-selected", String(v === "waterfall"));
  $<HTMLButtonElement>("#view-flame").setAttribute("aria-selected", String(v === "flame"));
  document.body.dataset.view = v;
  const shown = v === "flame" ? flame : waterfall;
  shown.reveal();
  shown.redraw();
  activeCanvas().focus();
}

function activeCanvas(): HTMLCanvasElement {
  return view === "flame" ? flame.canvas : waterfall.canvas;
}

function setSide(s: "detail" | "breakdown"): void {
  side = s;
  detail.hidden = s !== "detail";
  breakdownPane.hidden = s !== "breakdown";
  $<HTMLButtonElement>("#tab-detail").setAttribute("aria-selected", String(s === "detail"));
  $<HTMLButtonElement>("#tab-breakdown").setAttribute("aria-selected", String(s === "breakdown"));
  if (s === "breakdown") void showBreakdown();
  else if (model.selected >= 0) void showSpan(model.selected);
}

$<HTMLButtonElement>("#view-waterfall").addEventListener("click", () => setView("waterfall"));
$<HTMLButtonElement>("#view-flame").addEventListener("click", () => setView("flame"));
$<HTMLButtonElement>("#tab-detail").addEventListener("click", () => setSide("detail"));
$<HTMLButtonElement>("#tab-breakdown").addEventListener("click", () => setSide("breakdown"));

// Themes: follow the system unless the user picked one.
const THEMES = ["system", "light", "dark"] as const;
function applyTheme(t: string): void {
  if (t === "light" || t === "dark") document.documentElement.dataset.theme = t;
  else delete document.documentElement.dataset.theme;
  $<HTMLButtonElement>("#theme").title = `Theme: ${t} (t)`;
  resetPalette();
  waterfall.redraw();
  flame.redraw();
}
function cycleTheme(): void {
  const now = localStorage.getItem("tracelens-theme") ?? "system";
  const next = THEMES[(THEMES.indexOf(now as (typeof THEMES)[number]) + 1) % THEMES.length] ?? "system";
  localStorage.setItem("tracelens-theme", next);
  applyTheme(next);
}
$<HTMLButtonElement>("#theme").addEventListener("click", cycleTheme);
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => applyTheme(localStorage.getItem("tracelens-theme") ?? "system"));
applyTheme(localStorage.getItem("tracelens-theme") ?? "system");

// The list: filters, sorting, correlation search.
for (const ev of ["input", "search"]) {
  filter.addEventListener(ev, onListFilter);
  minDur.addEventListener(ev, onListFilter);
}
corr.addEventListener("change", () => void searchCorrelation(corr.value.trim()));
for (const th of document.querySelectorAll<HTMLTableCellElement>("#traces th[data-sort]")) {
  th.addEventListener("click", () => {
    const k = th.dataset.sort ?? "start";
    sortDir = k === sortKey ? -sortDir : k === "root_name" || k === "services" ? 1 : -1;
    sortKey = k;
    renderList();
  });
}

// The keyboard, without the mouse.
document.addEventListener("keydown", (e) => {
  const inInput = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "f") { e.preventDefault(); find.focus(); find.select(); return; }
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "o" && desktop) { e.preventDefault(); void opener.dialog(); return; }
  if (e.key === "Escape") { if (inInput) (e.target as HTMLElement).blur(); activeCanvas().focus(); return; }
  if (inInput || e.ctrlKey || e.metaKey || e.altKey) return;
  switch (e.key) {
    case "/": e.preventDefault(); filter.focus(); return;
    case "f": setView(view === "flame" ? "waterfall" : "flame"); return;
    case "w": setView("waterfall"); return;
    case "b": setSide("breakdown"); return;
    case "d": setSide("detail"); return;
    case "t": cycleTheme(); return;
    case "n": stepMatch(1); return;
    case "N": stepMatch(-1); return;
  }
  // Keys meant for a view reach it even when the focus is elsewhere on the page.
  if (e.target === document.body) (view === "flame" ? flame : waterfall).onKey(e);
});

async function loadSummary(): Promise<void> {
  const doc = await api.summary();
  traces = doc.traces;
  incomplete = new Map(doc.warnings.filter((w) => w.kind === "incomplete" && w.trace_id).map((w) => [w.trace_id ?? "", w.message]));
  only = null;
  shownKey = "";
  const bad = doc.sources.filter((s) => s.error);
  say(`${traces.length} traces${doc.warnings.length ? `, ${doc.warnings.length} warnings` : ""}${bad.length ? `; ${bad.map((s) => s.error).join("; ")}` : ""}`);
  renderList();
  const newest = [...traces].sort((a, b) => b.start_time_unix_nano - a.start_time_unix_nano)[0];
  if (newest && !traces.some((t) => t.trace_id === current)) await openTrace(newest.trace_id);
}

// Desktop: open, recent files, progress and cancel.
async function refreshRecent(): Promise<void> {
  const sel = $<HTMLSelectElement>("#recent");
  const list = await opener.recentFiles();
  sel.replaceChildren(new Option(list.length ? "Recent" : "No recent files", ""));
  for (const p of list) sel.append(new Option(p, p));
}

function showProgress(s: LoadStatus): void {
  const box = $<HTMLDivElement>("#progress");
  box.hidden = !s.loading;
  const frac = s.bytes_total > 0 ? Math.min(1, s.bytes_read / s.bytes_total) : 0;
  $<HTMLProgressElement>("#progress-bar").value = frac;
  $<HTMLSpanElement>("#progress-text").textContent = `Reading ${s.names.join(", ")} — ${(s.bytes_read / 1e6).toFixed(1)} of ${(s.bytes_total / 1e6).toFixed(1)} MB`;
}

// ClickHouse: connect, list the stored traces, open one (fetched into the session).
function fromStored(r: ChTraceRow): TraceSummary {
  return {
    trace_id: r.trace_id, root_name: r.root_name, services: r.services, start_time_unix_nano: r.start_time_unix_nano,
    span_count: r.span_count, error_count: r.error_count, duration_ns: r.duration_ns,
    agents: r.agents.map(([name, state]) => ({ span_id: "", name, state, reason: "" })),
  };
}

async function openStored(id: string): Promise<void> {
  say("fetching the trace from ClickHouse…");
  try {
    const n = await clickhouse.open(id, chSince ?? 86400);
    current = null;
    await openTrace(id);
    say(`${n} spans fetched from ClickHouse`);
  } catch (e) {
    fail(e);
  }
}

const STORED_PAGE = 500;
let listSeq = 0;
/** Lists the stored traces matching every filter (ClickHouse computes it);
 * `more` appends the next page of older ones. */
async function listStored(more = false): Promise<void> {
  if (chSince === null) return;
  const v = (sel: string) => $<HTMLInputElement>(sel).value;
  const seq = ++listSeq;
  try {
    const rows = await clickhouse.traces({
      sinceS: chSince, text: filter.value, minDurationNs: parseDuration(minDur.value) ?? 0,
      service: v("#ch-service"), agent: v("#ch-agent"), userId: v("#ch-user-id"),
      errorsOnly: $<HTMLInputElement>("#ch-errors").checked, state: $<HTMLSelectElement>("#ch-state").value,
      limit: STORED_PAGE, offset: more ? traces.length : 0,
    });
    if (seq !== listSeq || chSince === null) return;
    traces = more ? traces.concat(rows.map(fromStored)) : rows.map(fromStored);
    incomplete = new Map();
    shownKey = "";
    renderList();
    $<HTMLElement>("#more-stored").hidden = rows.length < STORED_PAGE;
    say(`${traces.length} traces in ClickHouse${rows.length === STORED_PAGE ? " (older ones: the button below the list)" : ""}`);
  } catch (e) {
    if (seq === listSeq) fail(e);
  }
}

/** The list filters: in the page for opened data, in ClickHouse for stored traces. */
function onListFilter(): void {
  if (chSince === null) { renderList(); return; }
  minDur.classList.toggle("bad", minDur.value.trim() !== "" && parseDuration(minDur.value) === null);
  clearTimeout(listTimer);
  listTimer = window.setTimeout(() => { listTimer = 0; void listStored(); }, 250);
}

let savedConns: SavedConn[] = [];
async function refreshSaved(): Promise<void> {
  savedConns = await clickhouse.saved();
  const sel = $<HTMLSelectElement>("#ch-saved");
  sel.replaceChildren(new Option(savedConns.length ? "Saved" : "No saved connections", ""));
  savedConns.forEach((c, i) => sel.append(new Option(`${c.user}@${c.url}/${c.database}`, String(i))));
  $<HTMLButtonElement>("#ch-forget").hidden = true;
  sel.dataset.loaded = "1";
}

function selectedSaved(): SavedConn | undefined {
  const i = $<HTMLSelectElement>("#ch-saved").value;
  return i === "" ? undefined : savedConns[Number(i)];
}

async function connectClickHouse(useSaved?: SavedConn): Promise<void> {
  const v = (sel: string) => $<HTMLInputElement>(sel).value;
  const st = $<HTMLSpanElement>("#ch-status");
  st.textContent = "connecting…";
  try {
    const info = useSaved
      ? await clickhouse.connectSaved(useSaved)
      : await clickhouse.connect(
        { url: v("#ch-url"), user: v("#ch-user"), password: v("#ch-password"), database: v("#ch-database"), caCert: v("#ch-ca") },
        $<HTMLInputElement>("#ch-save").checked,
      );
    $<HTMLInputElement>("#ch-password").value = "";
    if (info.saved) void refreshSaved();
    chSince = Number($<HTMLSelectElement>("#ch-since").value) || 86400;
    only = null;
    current = null;
    document.body.dataset.source = "clickhouse";
    $<HTMLFormElement>("#ch-list").hidden = false;
    st.textContent = `${info.user}@${info.url}/${info.database}${info.saved ? ` (${info.saved})` : ""}`;
    await listStored();
  } catch (e) {
    st.textContent = e instanceof Error ? e.message : String(e);
  }
}

// Live mode: spans received over OTLP while the app runs.
let liveBusy = false;
async function refreshLive(): Promise<void> {
  if (liveBusy) return;
  liveBusy = true;
  try {
    const before = traces.find((t) => t.trace_id === current)?.span_count;
    await loadSummary();
    const after = traces.find((t) => t.trace_id === current)?.span_count;
    // An open trace grows as its spans arrive.
    if (current && before !== undefined && after !== before) await openTrace(current, undefined, true);
  } finally {
    liveBusy = false;
  }
}

function showLive(s: LiveStatus): void {
  const b = $<HTMLButtonElement>("#live");
  b.hidden = !s.listening.length && !s.error;
  const dropped = s.dropped_spans ? `, ${s.dropped_spans} old spans dropped` : "";
  const ch = s.clickhouse;
  const written = ch ? ` · ${ch.written_spans} → ClickHouse` : "";
  b.textContent = (s.active ? `Live · ${s.spans} spans${dropped}` : `Live · ${s.parked_spans} new spans`) + written;
  $<HTMLElement>("#ch-write-label").hidden = !s.listening.length;
  $<HTMLInputElement>("#ch-write").checked = !!ch;
  $<HTMLElement>("#ch-write-status").textContent = ch
    ? `${ch.written_spans} spans and ${ch.written_agent_rows} agent rows written to ${ch.target}; ${ch.spooled_batches} batches spooled` +
      (ch.dropped_spans || ch.dropped_agent_rows ? `; ${ch.dropped_spans} spans and ${ch.dropped_agent_rows} agent rows dropped` : "") +
      (ch.unreadable_files ? `; ${ch.unreadable_files} damaged spool files dropped` : "") +
      (ch.last_error ? `; ${ch.last_error}` : "")
    : "";
  b.title = s.error ? `live receiver off: ${s.error}` : `receiving at ${s.listening.join(", ")}`;
  b.setAttribute("aria-pressed", String(s.active));
  document.body.dataset.live = s.active ? "on" : "off";
}

async function startDesktop(): Promise<void> {
  document.body.classList.add("desktop");
  $<HTMLElement>("#desktop-actions").hidden = false;
  $<HTMLButtonElement>("#open").addEventListener("click", () => void opener.dialog());
  $<HTMLButtonElement>("#ch-toggle").addEventListener("click", () => {
    const f = $<HTMLFormElement>("#ch-form");
    f.hidden = !f.hidden;
    if (!f.hidden) $<HTMLInputElement>("#ch-url").focus();
  });
  $<HTMLFormElement>("#ch-form").addEventListener("submit", (e) => { e.preventDefault(); void connectClickHouse(); });
  $<HTMLSelectElement>("#ch-saved").addEventListener("change", () => {
    const c = selectedSaved();
    $<HTMLButtonElement>("#ch-forget").hidden = !c;
    if (!c) return;
    $<HTMLInputElement>("#ch-url").value = c.url;
    $<HTMLInputElement>("#ch-user").value = c.user;
    $<HTMLInputElement>("#ch-database").value = c.database;
    $<HTMLInputElement>("#ch-ca").value = c.ca_cert;
    void connectClickHouse(c);
  });
  $<HTMLButtonElement>("#ch-forget").addEventListener("click", () => {
    const c = selectedSaved();
    if (!c) return;
    void clickhouse.forget(c).then(refreshSaved).then(() => { $<HTMLSpanElement>("#ch-status").textContent = "forgotten"; }).catch(fail);
  });
  void refreshSaved().catch(fail);
  const chList = $<HTMLFormElement>("#ch-list");
  chList.addEventListener("submit", (e) => { e.preventDefault(); void listStored(); });
  for (const sel of ["#ch-service", "#ch-agent", "#ch-user-id"]) $<HTMLInputElement>(sel).addEventListener("input", onListFilter);
  $<HTMLInputElement>("#ch-errors").addEventListener("change", () => void listStored());
  $<HTMLSelectElement>("#ch-state").addEventListener("change", () => void listStored());
  $<HTMLButtonElement>("#more").addEventListener("click", () => void listStored(true));
  $<HTMLInputElement>("#ch-write").addEventListener("change", (e) => {
    const on = (e.target as HTMLInputElement).checked;
    void opener.liveWriteThrough(on).then(showLive).catch((err: unknown) => {
      $<HTMLInputElement>("#ch-write").checked = false;
      $<HTMLElement>("#ch-write-status").textContent = err instanceof Error ? err.message : String(err);
    });
  });
  $<HTMLButtonElement>("#sample").addEventListener("click", () => void opener.sample());
  $<HTMLButtonElement>("#cancel").addEventListener("click", () => void opener.cancel());
  $<HTMLSelectElement>("#recent").addEventListener("change", (e) => {
    const p = (e.target as HTMLSelectElement).value;
    if (p) void opener.recent(p).catch(fail);
  });
  await opener.onLive((s) => {
    showLive(s);
    if (s.active && chSince === null) void refreshLive();
  });
  $<HTMLButtonElement>("#live").addEventListener("click", () => {
    void opener.liveShow().then((s) => {
      chSince = null;
      delete document.body.dataset.source;
      current = null;
      showLive(s);
      void loadSummary();
    });
  });
  showLive(await opener.liveStatus());
  await opener.onProgress(showProgress);
  await opener.onFinished((s) => {
    showProgress(s);
    if (s.cancelled) { say("opening cancelled; the traces shown before stay open"); return; }
    current = null;
    chSince = null;
    delete document.body.dataset.source;
    void loadSummary().then(() => {
      if (s.errors.length) say(`${s.traces} traces; ${s.errors.join("; ")}`);
    });
    void refreshRecent();
  });
  void refreshRecent();
  const s = await opener.status();
  if (s.loading) showProgress(s);
}

async function start(): Promise<void> {
  try {
    if (desktop) await startDesktop();
    else document.body.classList.add("browser");
    await loadSummary();
  } catch (e) {
    say(`cannot load: ${e instanceof Error ? e.message : String(e)}`);
  }
}

void start();

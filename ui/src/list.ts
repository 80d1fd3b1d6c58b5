// The trace list: rows, sorting, the filters and the correlation search.
// Loaded data is filtered here; stored traces are filtered by ClickHouse
// (desktop/clickhouse.ts) over the whole range.

import { type AgentSummary, api, clickhouse, type TraceSummary } from "./api";
import { fmtNs } from "./columns";
import { listStored, openStored, relistStoredSoon, takePendingRelist } from "./desktop/clickhouse";
import { $, count, fail, say, td } from "./dom";
import { parseDuration } from "./duration";
import { refreshListPanes, refreshListPanesSoon } from "./panes";
import { storedSince } from "./source";
import { openAtCause, openTrace, opened } from "./trace";

/** A row of the trace list: a loaded trace's summary, or a stored trace's
 * row (which carries agent names and states only). */
export type ListTrace = Pick<
  TraceSummary,
  | "trace_id"
  | "root_name"
  | "services"
  | "start_time_unix_nano"
  | "span_count"
  | "error_count"
  | "duration_ns"
  | "log_count"
> & {
  agents: Pick<AgentSummary, "name" | "state">[];
  /** The ids the run is known by (loaded traces; a stored row has none). */
  ids?: [string, string][];
};

const tbody = $<HTMLTableSectionElement>("#traces tbody");
const filter = $<HTMLInputElement>("#filter");
const minDur = $<HTMLInputElement>("#min-dur");
const corr = $<HTMLInputElement>("#corr");

let traces: ListTrace[] = [];
let only: Set<string> | null = null;
/** Traces shown in part (live mode: the bounded store evicted earlier spans), with why. */
let incomplete = new Map<string, string>();
let sortKey = "start";
let sortDir = -1;
let shownKey = "";

export function listed(id: string): ListTrace | undefined {
  return traces.find((t) => t.trace_id === id);
}

/** Every trace in the list, in the order it came. */
export function allListed(): readonly ListTrace[] {
  return traces;
}

export function listedCount(): number {
  return traces.length;
}

/** Replaces the list (or appends a page of older stored traces). */
export function setTraces(rows: ListTrace[], partial: Map<string, string>, append = false): void {
  traces = append ? traces.concat(rows) : rows;
  incomplete = partial;
  shownKey = "";
  renderList();
  // The Overview and the calls table follow the data shown.
  if (!append) refreshListPanes();
}

/** Forgets a correlation search's narrowing (another source is shown). */
export function clearNarrowing(): void {
  only = null;
}

/** The list filters as typed, for the stored-trace query. */
export function listFilters(): { text: string; minDurationNs: number } {
  return { text: filter.value, minDurationNs: parseDuration(minDur.value) ?? 0 };
}

function markBadDuration(): void {
  const bad = minDur.value.trim() !== "" && parseDuration(minDur.value) === null;
  minDur.classList.toggle("bad", bad);
  minDur.title = bad
    ? `"${minDur.value.trim()}" is not a duration: a number and a unit, e.g. 30s, 250ms, 2m`
    : "Only traces at least this long";
  note.textContent = bad ? "not a duration (e.g. 30s)" : correlationNote;
  note.classList.toggle("err", bad);
}

/** What the list's narrowing says, kept beside the filters (the status
 * line is taken over by whatever happens next, such as a trace opening). */
const note = $<HTMLSpanElement>("#list-note");
let correlationNote = "";

function sortValue(t: ListTrace): string | number {
  switch (sortKey) {
    case "root_name":
      return t.root_name;
    case "services":
      return t.services.join(",");
    case "duration_ns":
      return t.duration_ns;
    case "span_count":
      return t.span_count;
    case "error_count":
      return t.error_count;
    case "agents":
      return t.agents.filter((a) => a.state !== "completed").length;
    case "trace_id":
      return t.trace_id;
    default:
      return t.start_time_unix_nano;
  }
}

/** The rows the filters leave, in the list's order. */
let shownRows: ListTrace[] = [];

export function renderList(): void {
  const q = filter.value.trim().toLowerCase();
  const min = parseDuration(minDur.value) ?? 0;
  markBadDuration();
  const stored = storedSince() !== null;
  const rows = traces.filter((t) => {
    if (only && !only.has(t.trace_id)) return false;
    if (stored) return true;
    if (t.duration_ns < min) return false;
    const hay = [
      t.root_name,
      t.trace_id,
      ...t.services,
      ...t.agents.flatMap((a) => [a.state, a.name]),
      ...(t.ids ?? []).map(([, v]) => v),
    ]
      .join(" ")
      .toLowerCase();
    return !q || hay.includes(q);
  });
  rows.sort((a, b) => {
    const x = sortValue(a);
    const y = sortValue(b);
    return (x < y ? -1 : x > y ? 1 : 0) * sortDir;
  });
  shownRows = rows;
  $<HTMLElement>("#no-match").hidden = traces.length === 0 || rows.length > 0;
  for (const th of document.querySelectorAll<HTMLTableCellElement>("#traces th[data-sort]")) {
    const on = (th.dataset.sort ?? "") === sortKey;
    th.setAttribute("aria-sort", on ? (sortDir > 0 ? "ascending" : "descending") : "none");
  }
  $<HTMLElement>("#empty").hidden = traces.length > 0 || stored;
  $<HTMLElement>("#empty-stored").hidden = traces.length > 0 || !stored;
  if (!stored) $<HTMLElement>("#more-stored").hidden = true;
  // Rebuilding rows that did not change would detach the row under a click
  // in progress (a blur that re-filters fires between mousedown and click).
  const key = `${opened.id ?? ""}|${sortKey}${sortDir}|${rows.map((t) => t.trace_id + (incomplete.has(t.trace_id) ? "~" : "")).join(",")}`;
  if (key === shownKey) return;
  shownKey = key;
  tbody.replaceChildren(...rows.map((t) => listRow(t, stored)));
}

function listRow(t: ListTrace, stored: boolean): HTMLTableRowElement {
  const states = t.agents.map((a) => a.state);
  const tr = document.createElement("tr");
  tr.dataset.traceId = t.trace_id;
  if (t.trace_id === opened.id) tr.className = "selected";
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
    stored && states.length === 0 ? td("—", "muted agents") : stateCell(t.trace_id, problems, states.length, stored),
    idsCell(t.ids ?? []),
    td(t.trace_id.slice(0, 8), "muted trace-id"),
  );
  tr.addEventListener("click", () => void (stored ? openStored(t.trace_id) : openTrace(t.trace_id)));
  return tr;
}

/** The ids a run is known by (user, request, thread ...), values only; the keys in the title. */
function idsCell(ids: [string, string][]): HTMLTableCellElement {
  const cell = td(ids.map(([, v]) => v).join(" · "), "muted ids");
  cell.title = ids.map(([k, v]) => `${k} = ${v}`).join("\n");
  return cell;
}

/** The agents cell; a failed, timed-out or dead run's badge opens the trace at its cause. */
function stateCell(traceId: string, problems: string[], total: number, stored: boolean): HTMLTableCellElement {
  const failed = problems.some((s) => s !== "running" && s !== "pending");
  const cell = td(problems.length ? problems.join(", ") : `${total} ok`, failed ? "err agents" : "muted agents");
  if (!failed || stored) return cell;
  cell.classList.add("to-cause");
  cell.title = "open at the cause";
  cell.addEventListener("click", (e) => {
    e.stopPropagation();
    void openAtCause(traceId);
  });
  return cell;
}

/** Narrows the list to the traces carrying `value` (any correlation id). */
export async function searchCorrelation(value: string): Promise<void> {
  // A relist still waiting for its debounce goes first: the search narrows
  // the list the other filters give.
  if (takePendingRelist()) await listStored();
  if (!value) {
    only = null;
    correlationNote = "";
    renderList();
    markBadDuration();
    say(count(traces.length, "trace"));
    return;
  }
  try {
    // Stored traces are searched in ClickHouse; opened data in the session.
    const since = storedSince();
    const ids =
      since !== null ? await clickhouse.search(value, since) : (await api.search(value)).traces.map((t) => t.trace_id);
    only = new Set(ids);
    correlationNote = `${count(ids.length, "trace")} ${ids.length === 1 ? "carries" : "carry"} ${value}`;
    say(correlationNote);
    renderList();
    markBadDuration();
    followList();
  } catch (e) {
    fail(e);
  }
}

let followTimer = 0;
/** After the list was narrowed: the trace shown below is one of its rows
 * (the first, when the one open no longer matches), once typing pauses, so
 * that each letter of a filter does not open a trace of its own. */
function followList(): void {
  window.clearTimeout(followTimer);
  followTimer = window.setTimeout(() => {
    const first = shownRows[0];
    if (!first || shownRows.some((t) => t.trace_id === opened.id)) return;
    void (storedSince() !== null ? openStored(first.trace_id) : openTrace(first.trace_id));
  }, 300);
}

/** Loads the session's summary into the list, and opens the newest trace
 * when the one shown is gone. */
export async function loadSummary(): Promise<void> {
  const doc = await api.summary();
  const partial = new Map(
    doc.warnings.filter((w) => w.kind === "incomplete" && w.trace_id).map((w) => [w.trace_id ?? "", w.message]),
  );
  only = null;
  setTraces(doc.traces, partial);
  const bad = doc.sources.filter((s) => s.error);
  say(
    `${count(traces.length, "trace")}${doc.warnings.length ? `, ${count(doc.warnings.length, "warning")}` : ""}${bad.length ? `; ${bad.map((s) => s.error).join("; ")}` : ""}`,
  );
  const newest = [...traces].sort((a, b) => b.start_time_unix_nano - a.start_time_unix_nano)[0];
  if (newest && !traces.some((t) => t.trace_id === opened.id)) await openTrace(newest.trace_id);
}

/** The list filters: in the page for opened data, in ClickHouse for stored traces. */
export function onListFilter(): void {
  if (storedSince() === null) {
    renderList();
    followList();
    refreshListPanesSoon();
    return;
  }
  markBadDuration();
  relistStoredSoon();
}

export function initList(): void {
  for (const ev of ["input", "search"]) {
    filter.addEventListener(ev, onListFilter);
    minDur.addEventListener(ev, onListFilter);
  }
  corr.addEventListener("change", () => void searchCorrelation(corr.value.trim()));
  $<HTMLButtonElement>("#clear-filters").addEventListener("click", () => {
    filter.value = "";
    minDur.value = "";
    corr.value = "";
    void searchCorrelation("");
    onListFilter();
  });
  for (const th of document.querySelectorAll<HTMLTableCellElement>("#traces th[data-sort]")) {
    th.addEventListener("click", () => {
      const k = th.dataset.sort ?? "start";
      sortDir = k === sortKey ? -sortDir : k === "root_name" || k === "services" ? 1 : -1;
      sortKey = k;
      renderList();
    });
  }
}

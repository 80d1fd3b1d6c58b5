// The list pane's tabs: the trace list, the Overview across runs and the
// calls table. One is shown; the others keep their state.

import { initCalls, refreshCalls } from "./calls";
import { $ } from "./dom";
import { initOverview, refreshOverview } from "./overview";
import { listFilters } from "./list";

export type ListPane = "traces" | "overview" | "calls";

let shownPane: ListPane = "traces";

export function listPane(): ListPane {
  return shownPane;
}

/** Shows one tab of the list pane. */
export function showListPane(p: ListPane): void {
  shownPane = p;
  $<HTMLElement>("#traces").hidden = p !== "traces";
  $<HTMLElement>("#overview").hidden = p !== "overview";
  $<HTMLElement>("#ov-group").hidden = p !== "overview";
  $<HTMLElement>("#calls").hidden = p !== "calls";
  for (const t of ["traces", "overview", "calls"] as const)
    $<HTMLElement>(`#tab-${t}`).setAttribute("aria-selected", String(t === p));
  refreshListPanes();
}

/** The data changed: the shown tab asks again. */
export function refreshListPanes(): void {
  void refreshOverview();
  refreshCalls();
}

/** The runs the trace list's filters keep, as a query across runs asks
 * for them (the Overview and the calls table show the runs the list shows). */
export function runQuery(): { run_text?: string; run_min_ns: number } {
  const f = listFilters();
  const q: { run_text?: string; run_min_ns: number } = { run_min_ns: f.minDurationNs };
  if (f.text.trim()) q.run_text = f.text.trim();
  return q;
}

let soon = 0;
/** The list's filters changed: the shown tab follows, once typing pauses. */
export function refreshListPanesSoon(): void {
  clearTimeout(soon);
  soon = window.setTimeout(refreshListPanes, 300);
}

/** `o` and `c`: a tab, or back to the trace list when it is shown. */
export function toggleListPane(p: ListPane): void {
  showListPane(shownPane === p ? "traces" : p);
}

export function initPanes(): void {
  initOverview();
  initCalls();
  for (const t of ["traces", "overview", "calls"] as const)
    $<HTMLElement>(`#tab-${t}`).addEventListener("click", () => showListPane(t));
}

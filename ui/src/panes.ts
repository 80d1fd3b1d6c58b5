// The list pane's tabs: the trace list, the Overview across runs and the
// calls table. One is shown; the others keep their state.

import { initCalls, refreshCalls } from "./calls";
import { $ } from "./dom";
import { initOverview, refreshOverview } from "./overview";

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

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

/** The pane sizes the user dragged to, kept across sessions (sizes only). */
const SIZES_KEY = "tracelens.pane-sizes";

function placeSplitters(): void {
  const main = $<HTMLElement>("main");
  const list = $<HTMLElement>("#list-pane");
  const side = $<HTMLElement>("#side");
  const rows = $<HTMLElement>("#split-rows");
  const cols = $<HTMLElement>("#split-cols");
  rows.style.top = `${list.offsetHeight - 3}px`;
  cols.style.top = `${list.offsetHeight}px`;
  cols.style.left = `${main.clientWidth - side.offsetWidth - 3}px`;
}

/** Drags on the borders between the list and the trace, and between the
 * trace and the side pane, resize them (within bounds that leave every
 * pane usable); a double click puts the default back. */
function initSplitters(): void {
  const main = $<HTMLElement>("main");
  const saved = ((): { listH?: number; sideW?: number } => {
    try {
      return JSON.parse(localStorage.getItem(SIZES_KEY) ?? "{}");
    } catch {
      return {};
    }
  })();
  const apply = (listH?: number, sideW?: number) => {
    if (listH !== undefined) main.style.setProperty("--list-h", `${listH}px`);
    if (sideW !== undefined) main.style.setProperty("--side-w", `${sideW}px`);
    placeSplitters();
  };
  apply(saved.listH, saved.sideW);
  const drag = (el: HTMLElement, move: (e: PointerEvent) => void) => {
    el.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      el.setPointerCapture(e.pointerId);
      el.classList.add("dragging");
    });
    el.addEventListener("pointermove", (e) => {
      if (el.hasPointerCapture(e.pointerId)) move(e);
    });
    el.addEventListener("pointerup", (e) => {
      el.releasePointerCapture(e.pointerId);
      el.classList.remove("dragging");
      const m = main.getBoundingClientRect();
      localStorage.setItem(
        SIZES_KEY,
        JSON.stringify({
          listH: $<HTMLElement>("#list-pane").offsetHeight,
          sideW: $<HTMLElement>("#side").offsetWidth || m.width / 4,
        }),
      );
    });
  };
  drag($<HTMLElement>("#split-rows"), (e) => {
    const m = main.getBoundingClientRect();
    apply(Math.max(80, Math.min(m.height - 160, e.clientY - m.top)));
  });
  drag($<HTMLElement>("#split-cols"), (e) => {
    const m = main.getBoundingClientRect();
    apply(undefined, Math.max(220, Math.min(m.width - 320, m.right - e.clientX)));
  });
  for (const id of ["#split-rows", "#split-cols"])
    $<HTMLElement>(id).addEventListener("dblclick", () => {
      main.style.removeProperty(id === "#split-rows" ? "--list-h" : "--side-w");
      localStorage.removeItem(SIZES_KEY);
      placeSplitters();
    });
  new ResizeObserver(placeSplitters).observe(main);
  new ResizeObserver(placeSplitters).observe($<HTMLElement>("#list-pane"));
}

export function initPanes(): void {
  initSplitters();
  initOverview();
  initCalls();
  for (const t of ["traces", "overview", "calls"] as const)
    $<HTMLElement>(`#tab-${t}`).addEventListener("click", () => showListPane(t));
}

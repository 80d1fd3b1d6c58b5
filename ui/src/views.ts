// The trace views (waterfall, flame graph) over one model, and the side
// pane's tabs (details, breakdown, logs): which is shown, and switching.

import { $ } from "./dom";
import { Flame } from "./flame";
import { TraceModel } from "./model";
import { Waterfall } from "./waterfall";

export const model = new TraceModel();
export const waterfall = new Waterfall($<HTMLCanvasElement>("#waterfall"), $<HTMLCanvasElement>("#minimap"), model);
export const flame = new Flame($<HTMLCanvasElement>("#flame"), model);

export type View = "waterfall" | "flame";
export type Side = "detail" | "breakdown" | "logs";

export const shown = { view: "waterfall" as View, side: "detail" as Side };

/** The in-trace filter's terms (the chips), which the breakdown follows too. */
export const filterTerms: string[] = [];

/** Called when what a link would reopen changes (view, filters, compare). */
export const stateHooks = { changed: (): void => {} };

/** Called when the side pane switches (the trace module fills it). */
export const sideHooks = { onSide: (_s: Side): void => {} };

export function activeView(): Waterfall | Flame {
  return shown.view === "flame" ? flame : waterfall;
}

export function activeCanvas(): HTMLCanvasElement {
  return activeView().canvas;
}

export function setView(v: View): void {
  shown.view = v;
  waterfall.canvas.hidden = v !== "waterfall";
  $<HTMLCanvasElement>("#minimap").hidden = v !== "waterfall";
  flame.canvas.hidden = v !== "flame";
  $<HTMLButtonElement>("#view-waterfall").setAttribute("aria-selected", String(v === "waterfall"));
  $<HTMLButtonElement>("#view-flame").setAttribute("aria-selected", String(v === "flame"));
  document.body.dataset.view = v;
  stateHooks.changed();
  const view = activeView();
  view.reveal();
  view.redraw();
  activeCanvas().focus();
}

/** What fills the trace pane: the trace views, the compare view or the graph (one at a time). */
export function showTracePane(which: "views" | "compare" | "graph"): void {
  $<HTMLElement>("#canvas-wrap").hidden = which !== "views";
  $<HTMLCanvasElement>("#minimap").hidden = which !== "views" || shown.view === "flame";
  $<HTMLElement>("#compare-pane").hidden = which !== "compare";
  $<HTMLElement>("#graph-pane").hidden = which !== "graph";
  document.body.dataset.pane = which;
  stateHooks.changed();
}

export function setSide(s: Side): void {
  shown.side = s;
  $<HTMLElement>("#detail").hidden = s !== "detail";
  $<HTMLElement>("#breakdown").hidden = s !== "breakdown";
  $<HTMLElement>("#logs").hidden = s !== "logs";
  for (const t of ["detail", "breakdown", "logs"] as const) {
    $<HTMLButtonElement>(`#tab-${t}`).setAttribute("aria-selected", String(s === t));
  }
  sideHooks.onSide(s);
}

export function initViews(): void {
  $<HTMLButtonElement>("#view-waterfall").addEventListener("click", () => setView("waterfall"));
  $<HTMLButtonElement>("#view-flame").addEventListener("click", () => setView("flame"));
  $<HTMLButtonElement>("#tab-detail").addEventListener("click", () => setSide("detail"));
  $<HTMLButtonElement>("#tab-breakdown").addEventListener("click", () => setSide("breakdown"));
  $<HTMLButtonElement>("#tab-logs").addEventListener("click", () => setSide("logs"));
  // For tests and the UI benchmark: the model (draw times, selection) and the views.
  (window as unknown as { tracelens: unknown }).tracelens = { model, waterfall, flame };
}

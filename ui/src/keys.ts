// The keyboard, without the mouse: page-wide keys here; a trace view's own
// keys (moving the selection, zoom) go to the view shown.

import { desktop, opener } from "./api";
import { $ } from "./dom";
import { focusFind, stepMatch } from "./find";
import { goBack, stepProblem } from "./nav";
import { closeGraph, graphOpen, openGraph } from "./graphview";
import { toggleListPane } from "./panes";
import { cycleTheme } from "./theme";
import { activeCanvas, activeView, setSide, setView, shown } from "./views";

export function initKeys(): void {
  document.addEventListener("keydown", (e) => {
    const inInput = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === "f") {
      e.preventDefault();
      focusFind();
      return;
    }
    if (mod && e.key.toLowerCase() === "o" && desktop) {
      e.preventDefault();
      void opener.dialog();
      return;
    }
    if (e.key === "Escape") {
      if (inInput) (e.target as HTMLElement).blur();
      activeCanvas().focus();
      return;
    }
    if (!inInput && e.altKey && e.key === "ArrowLeft") {
      e.preventDefault();
      void goBack();
      return;
    }
    if (inInput || mod || e.altKey) return;
    switch (e.key) {
      case "/":
        e.preventDefault();
        $<HTMLInputElement>("#filter").focus();
        return;
      case "f":
        setView(shown.view === "flame" ? "waterfall" : "flame");
        return;
      case "w":
        setView("waterfall");
        return;
      case "g":
        if (graphOpen()) closeGraph();
        else openGraph();
        return;
      case "b":
        setSide("breakdown");
        return;
      case "d":
        setSide("detail");
        return;
      case "l":
        setSide("logs");
        return;
      case "o":
        toggleListPane("overview");
        return;
      case "c":
        toggleListPane("calls");
        return;
      case "t":
        cycleTheme();
        return;
      case "e":
        void stepProblem(1);
        return;
      case "E":
        void stepProblem(-1);
        return;
      case "Backspace":
        e.preventDefault();
        void goBack();
        return;
      case "n":
        stepMatch(1);
        return;
      case "N":
        stepMatch(-1);
        return;
    }
    // Keys meant for a view reach it even when the focus is elsewhere on the page.
    if (e.target === document.body) activeView().onKey(e);
  });
}

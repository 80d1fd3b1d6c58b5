// Themes: follow the system unless the user picked one.

import { $ } from "./dom";
import { resetPalette } from "./palette";
import { flame, waterfall } from "./views";

const THEMES = ["system", "light", "dark"] as const;
const KEY = "tracelens-theme";

function applyTheme(t: string): void {
  if (t === "light" || t === "dark") document.documentElement.dataset.theme = t;
  else delete document.documentElement.dataset.theme;
  $<HTMLButtonElement>("#theme").title = `Theme: ${t} (t)`;
  resetPalette();
  waterfall.redraw();
  flame.redraw();
}

export function cycleTheme(): void {
  const now = localStorage.getItem(KEY) ?? "system";
  const next = THEMES[(THEMES.indexOf(now as (typeof THEMES)[number]) + 1) % THEMES.length] ?? "system";
  localStorage.setItem(KEY, next);
  applyTheme(next);
}

export function initTheme(): void {
  $<HTMLButtonElement>("#theme").addEventListener("click", cycleTheme);
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () =>
    applyTheme(localStorage.getItem(KEY) ?? "system"),
  );
  applyTheme(localStorage.getItem(KEY) ?? "system");
}

// Search inside the open trace: matches marked in the views, stepped with
// Enter, n and N.

import { api } from "./api";
import { $, count, fail } from "./dom";
import { opened } from "./trace";
import { model } from "./views";

const find = $<HTMLInputElement>("#find");
const findCount = $<HTMLSpanElement>("#find-count");
let findTimer = 0;
let findAt = -1;

async function runFind(): Promise<void> {
  const id = opened.id;
  const q = find.value.trim();
  if (!id || !model.cols) return;
  if (!q) {
    model.setMatches([]);
    findCount.textContent = "";
    findAt = -1;
    return;
  }
  try {
    const m = await api.find(id, q);
    if (id !== opened.id || q !== find.value.trim()) return;
    model.setMatches(m.rows);
    findAt = -1;
    findCount.textContent = m.count ? count(m.count, "match", "matches") : "no match";
  } catch (e) {
    fail(e);
  }
}

export function stepMatch(dir: 1 | -1): void {
  const rows = model.matchRows;
  if (!rows.length) return;
  findAt = (findAt + dir + rows.length) % rows.length;
  model.select(rows[findAt] ?? 0);
  findCount.textContent = `${findAt + 1} / ${rows.length}`;
}

/** Empties the search for a newly opened trace (its matches were the last one's). */
export function clearFind(): void {
  window.clearTimeout(findTimer);
  find.value = "";
  findCount.textContent = "";
  findAt = -1;
}

export function focusFind(): void {
  find.focus();
  find.select();
}

export function initFind(): void {
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
}

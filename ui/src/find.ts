// Search inside the open trace: the service reads the query (words, terms,
// ids), the views mark the matching rows, Enter, n and N step through them
// and ≡ lists them (a virtual list: rows in view only).

import { api } from "./api";
import { fmtNs } from "./columns";
import { $, count, errorText } from "./dom";
import { opened } from "./trace";
import { model } from "./views";
import { VirtualList } from "./vlist";
import { STATE_NAMES } from "./wire";

const find = $<HTMLInputElement>("#find");
const findCount = $<HTMLSpanElement>("#find-count");
const listRoot = $<HTMLDivElement>("#find-list");
const listToggle = $<HTMLButtonElement>("#find-list-toggle");
let findTimer = 0;
let findAt = -1;

/** One listed match: its position among the matches and its row. */
interface Match {
  at: number;
  row: number;
}

const list = new VirtualList<Match>(listRoot, {
  id: "find-rows",
  fetch: async (offset, limit) => {
    const rows = model.matchRows;
    const items = rows.slice(offset, offset + limit).map((row, i) => ({ at: offset + i, row }));
    return { items, matched: rows.length, total: rows.length };
  },
  render: (m) => matchRow(m),
});
listRoot.replaceChildren(list.scroller);

function matchRow(m: Match): HTMLElement {
  const c = model.cols;
  const el = document.createElement("div");
  el.className = m.at === findAt ? "match-row at" : "match-row";
  el.dataset.row = String(m.row);
  if (!c) return el;
  const state = STATE_NAMES[c.state[m.row] ?? 0] ?? "";
  el.textContent = "\u00a0".repeat(Math.min(c.depth[m.row] ?? 0, 12) * 2) + (c.strings[c.name[m.row] ?? 0] ?? "");
  const extra = document.createElement("span");
  extra.className = "muted";
  extra.textContent = [c.strings[c.service[m.row] ?? 0] ?? "", fmtNs(c.duration[m.row] ?? 0), state]
    .filter((s) => s !== "")
    .join(" · ");
  el.append(extra);
  el.addEventListener("click", () => goTo(m.at));
  return el;
}

function showList(open: boolean): void {
  listRoot.hidden = !open;
  listToggle.setAttribute("aria-expanded", String(open));
  if (open) list.reset(true);
}

function setCount(text: string, bad = false): void {
  findCount.textContent = text;
  findCount.classList.toggle("bad", bad);
  find.classList.toggle("bad", bad);
  findCount.title = bad ? text : "";
}

async function runFind(): Promise<void> {
  const id = opened.id;
  const q = find.value.trim();
  if (!id || !model.cols) return;
  findAt = -1;
  if (!q) {
    model.setMatches([]);
    setCount("");
    if (!listRoot.hidden) list.reset(false);
    return;
  }
  try {
    const m = await api.find(id, q);
    if (id !== opened.id || q !== find.value.trim()) return;
    model.setMatches(m.rows);
    setCount(m.count ? count(m.count, "match", "matches") : "no match");
  } catch (e) {
    if (id !== opened.id || q !== find.value.trim()) return;
    // A term the service cannot read (">fast", "state:asleep"): say why by the field.
    model.setMatches([]);
    setCount(errorText(e), true);
  }
  if (!listRoot.hidden) list.reset(true);
}

function goTo(at: number): void {
  const rows = model.matchRows;
  if (!rows.length) return;
  findAt = ((at % rows.length) + rows.length) % rows.length;
  model.select(rows[findAt] ?? 0);
  setCount(`${findAt + 1} / ${rows.length}`);
  if (!listRoot.hidden) list.reload();
}

export function stepMatch(dir: 1 | -1): void {
  goTo(findAt + dir);
}

/** Empties the search for a newly opened trace (its matches were the last one's). */
export function clearFind(): void {
  window.clearTimeout(findTimer);
  find.value = "";
  setCount("");
  findAt = -1;
  showList(false);
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
  listToggle.addEventListener("click", () => showList(listRoot.hidden));
  // A click elsewhere puts the list away, as a menu goes.
  document.addEventListener("mousedown", (e) => {
    const t = e.target as Node | null;
    if (!listRoot.hidden && t && !listRoot.contains(t) && !listToggle.contains(t)) showList(false);
  });
  listRoot.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      showList(false);
      find.focus();
    }
  });
}

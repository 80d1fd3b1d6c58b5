// Filters inside the open trace, as removable chips: the service says which
// rows pass (a byte per row), the views hide the rest but keep ancestors.
// Also the tree's expand/collapse-all and saving the trace or a subtree.

import { api } from "./api";
import { $, count, fail, say } from "./dom";
import { parseDuration } from "./duration";
import { opened } from "./trace";
import { filterTerms, model, shown, sideHooks, stateHooks, waterfall } from "./views";

const input = $<HTMLInputElement>("#span-filter");
const chipsEl = $<HTMLSpanElement>("#filter-chips");
const countEl = $<HTMLSpanElement>("#filter-count");

/** The filter's terms, as typed (the service parses them). */
const chips = filterTerms;

let seq = 0;
async function apply(): Promise<void> {
  const id = opened.id;
  if (!id || !model.cols) return;
  const mine = ++seq;
  stateHooks.changed();
  if (chips.length === 0) {
    model.setFilter(id, null);
    countEl.textContent = "";
    waterfall.canvas.dataset.filtered = "";
    if (shown.side === "breakdown") sideHooks.onSide("breakdown");
    return;
  }
  try {
    const buf = await api.filter(id, chips);
    if (mine !== seq || id !== opened.id) return;
    const matched = new DataView(buf).getUint32(0, true);
    model.setFilter(id, new Uint8Array(buf, 4));
    countEl.textContent = matched
      ? `${count(matched, "span")} ${matched === 1 ? "matches" : "match"}`
      : "no span matches";
    waterfall.canvas.dataset.filtered = String(matched);
    if (shown.side === "breakdown") sideHooks.onSide("breakdown");
  } catch (e) {
    // A term the service cannot read: say why and take it back.
    chips.pop();
    renderChips();
    fail(e);
  }
}

function renderChips(): void {
  chipsEl.replaceChildren(
    ...chips.map((c, i) => {
      const b = document.createElement("button");
      b.className = "chip";
      b.textContent = `${c} ×`;
      b.title = `Remove the filter “${c}”`;
      b.addEventListener("click", () => {
        chips.splice(i, 1);
        renderChips();
        void apply();
      });
      return b;
    }),
  );
}

/** Replaces the chips (a link reopening a view brings its filters). */
export function setChips(terms: string[]): void {
  chips.splice(0, chips.length, ...terms.filter((t) => t.trim() !== ""));
  renderChips();
  void apply();
}

export function initSpanFilter(): void {
  input.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    const t = input.value.trim();
    if (!t) return;
    input.value = "";
    if (!chips.includes(t)) chips.push(t);
    renderChips();
    void apply();
  });
  // Each trace opened is filtered by the chips shown.
  model.subscribe((c) => {
    if (c === "trace" && chips.length) void apply();
  });
  $<HTMLButtonElement>("#expand-all").addEventListener("click", () => waterfall.expandAll());
  $<HTMLButtonElement>("#collapse-all").addEventListener("click", () => waterfall.collapseAll());
  const under = $<HTMLInputElement>("#collapse-under");
  under.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    const ns = parseDuration(under.value);
    under.classList.toggle("bad", ns === null);
    if (ns !== null) waterfall.collapseAll(ns);
  });
  const exp = $<HTMLSelectElement>("#export");
  exp.addEventListener("change", () => {
    const v = exp.value;
    exp.value = "";
    const id = opened.id;
    const c = model.cols;
    if (!v || !id || !c) return;
    const sub = v.startsWith("sub:");
    if (sub && model.selected < 0) {
      say("select a span first: its subtree is exported");
      return;
    }
    const node = sub ? (c.node[model.selected] ?? null) : null;
    api
      .exportTrace(id, node, sub ? v.slice(4) : v)
      .then((saved) => {
        if (saved) say(`saved ${saved}`);
      })
      .catch(fail);
  });
}

// The calls table beside the trace list: every LLM call, tool call or agent
// execution across the loaded runs, sorted and filtered by the service, in
// a virtual list (vlist.ts): a million calls cost a few dozen DOM rows. A
// row opens its run at its span.

import { api, type CallQuery, type CallRow, clickhouse } from "./api";
import { openStored } from "./desktop/clickhouse";
import { fmtNs, fmtUsd as usd } from "./columns";
import { $ } from "./dom";
import { parseDuration } from "./duration";
import { runQuery } from "./panes";
import { storedSince } from "./source";
import { openTrace } from "./trace";
import { VirtualList } from "./vlist";

const root = $<HTMLElement>("#calls");

function cell(text: string, cls: string): HTMLSpanElement {
  const s = document.createElement("span");
  s.className = cls;
  s.textContent = text;
  return s;
}

function row(r: CallRow): HTMLElement {
  const div = document.createElement("div");
  div.className = `call-row${r.status === "ok" || r.status === "completed" ? "" : " call-problem"}`;
  div.dataset.trace = r.trace_id;
  div.dataset.node = String(r.node);
  const tokens =
    r.input_tokens === null && r.output_tokens === null ? "–" : String((r.input_tokens ?? 0) + (r.output_tokens ?? 0));
  div.append(
    cell(fmtNs(r.duration_ns), "call-num"),
    cell(r.ttft_ns === null ? "–" : fmtNs(r.ttft_ns), "call-num"),
    cell(tokens, "call-num"),
    cell(usd(r.cost_usd), "call-num"),
    cell(r.status, "call-status"),
    cell(r.agent ?? "–", "call-agent"),
    cell(r.model ?? r.tool ?? "–", "call-what"),
    cell(r.name, "call-name"),
  );
  div.title = `${r.name} [${r.service}]\ntrace ${r.trace_id} span ${r.span_id}`;
  div.addEventListener(
    "click",
    () => void (storedSince() !== null ? openStored(r.trace_id, r.span_id) : openTrace(r.trace_id, r.node)),
  );
  return div;
}

function select(id: string, label: string, options: [string, string][]): HTMLSelectElement {
  const s = document.createElement("select");
  s.id = id;
  s.setAttribute("aria-label", label);
  for (const [v, text] of options) {
    const o = document.createElement("option");
    o.value = v;
    o.textContent = text;
    s.append(o);
  }
  return s;
}

const cls = select("calls-class", "Which calls", [
  ["llm", "LLM calls"],
  ["tool", "tool calls"],
  ["agent", "agent executions"],
]);
const sort = select("calls-sort", "Sort by", [
  ["duration", "by duration"],
  ["ttft", "by TTFT"],
  ["tokens", "by tokens"],
  ["cost", "by cost"],
  ["start", "by start"],
]);
const text = document.createElement("input");
text.id = "calls-text";
text.type = "search";
text.placeholder = "Filter: name, model, tool, agent";
text.autocomplete = "off";
/** A search box of the bar. */
function box(id: string, placeholder: string, width: string): HTMLInputElement {
  const i = document.createElement("input");
  i.id = id;
  i.type = "search";
  i.placeholder = placeholder;
  i.autocomplete = "off";
  i.style.maxWidth = width;
  return i;
}
const model = box("calls-model", "model", "12em");
const tool = box("calls-tool", "tool", "10em");
const agent = box("calls-agent", "agent", "10em");
const minDur = box("calls-min", "min duration", "8em");
const errors = document.createElement("label");
const errorsBox = document.createElement("input");
errorsBox.type = "checkbox";
errorsBox.id = "calls-errors";
errors.append(errorsBox, " failed only");
const countEl = document.createElement("span");
countEl.className = "muted";
countEl.id = "calls-count";

function query(offset: number, limit: number): CallQuery {
  const q: CallQuery = {
    class: cls.value,
    sort: sort.value,
    errors: errorsBox.checked,
    min_duration_ns: parseDuration(minDur.value) ?? 0,
    offset,
    limit,
    ...runQuery(),
  };
  if (text.value.trim()) q.q = text.value.trim();
  // Exact names, as the CLI's --model, --tool and --agent.
  if (model.value.trim()) q.model = model.value.trim();
  if (tool.value.trim()) q.tool = tool.value.trim();
  if (agent.value.trim()) q.agent = agent.value.trim();
  return q;
}

const list = new VirtualList<CallRow>(root, {
  id: "calls-list",
  fetch: async (offset, limit) => {
    const since = storedSince();
    // Stored runs: ClickHouse filters, sorts and prices every stored call.
    const d =
      since !== null ? await clickhouse.calls(query(offset, limit), since) : await api.calls(query(offset, limit));
    return { items: d.rows, matched: d.matched, total: d.total };
  },
  render: row,
  onPage: (p) => {
    const n = p.matched === p.total ? `${p.total}` : `${p.matched} of ${p.total}`;
    countEl.textContent = storedSince() !== null ? `${n} stored` : n;
  },
});

/** Asks again from the top (the filters changed). */
function requery(): void {
  if (root.hidden) return;
  countEl.textContent = "";
  list.reset(true);
}

/** The data changed (files opened, live spans arrived): the rows in view
 * are asked again, the place in the list kept. */
export function refreshCalls(): void {
  if (!root.hidden) list.reload();
}

export function initCalls(): void {
  const bar = document.createElement("div");
  bar.className = "calls-bar";
  const head = document.createElement("div");
  head.className = "call-row call-head";
  for (const [t, c] of [
    ["duration", "call-num"],
    ["TTFT", "call-num"],
    ["tokens", "call-num"],
    ["cost", "call-num"],
    ["status", "call-status"],
    ["agent", "call-agent"],
    ["model or tool", "call-what"],
    ["name", "call-name"],
  ] as const)
    head.append(cell(t, c));
  bar.append(cls, sort, text, model, tool, agent, minDur, errors, countEl);
  root.replaceChildren(bar, head, list.scroller);
  for (const el of [cls, sort, errorsBox]) el.addEventListener("change", requery);
  let typing = 0;
  for (const el of [text, model, tool, agent, minDur])
    el.addEventListener("input", () => {
      minDur.classList.toggle("bad", minDur.value.trim() !== "" && parseDuration(minDur.value) === null);
      clearTimeout(typing);
      typing = window.setTimeout(requery, 200);
    });
}

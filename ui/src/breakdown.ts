// The breakdown panel: where the time of a trace (or the selected subtree)
// went, by class and by the audit's phases, the LLM totals, and the spans
// with the most self time. Every figure comes from the service layer.

import type { Breakdown } from "./wire";
import { fmtNs } from "./columns";
import { classColor, palette } from "./palette";
import { CLASS_NAMES } from "./wire";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "—");

function shareTable(
  title: string,
  parts: [string, number][],
  total: number,
  colour?: (k: string) => string,
): HTMLElement[] {
  const bar = el("div", undefined, "stack");
  const table = el("table", undefined, "share");
  for (const [k, v] of parts) {
    if (colour && v > 0) {
      const seg = el("span");
      seg.style.width = `${total > 0 ? (100 * v) / total : 0}%`;
      seg.style.background = colour(k);
      seg.title = `${k} ${fmtNs(v)}`;
      bar.append(seg);
    }
    const tr = el("tr");
    const name = el("td", k);
    if (colour) {
      const sw = el("i", undefined, "swatch");
      sw.style.background = colour(k);
      name.prepend(sw);
    }
    tr.append(name, el("td", fmtNs(v), "num"), el("td", pct(v, total), "num"));
    table.append(tr);
  }
  return [el("h3", title), ...(colour ? [bar] : []), table];
}

export interface BreakdownActions {
  /** Select a span (a bottleneck). */
  pick: (node: number) => void;
  /** Switch between the whole trace and the selected subtree. */
  scope: (s: "trace" | "subtree") => void;
}

export function renderBreakdown(root: HTMLElement, b: Breakdown, act: BreakdownActions): void {
  root.replaceChildren();
  const tabs = el("div", undefined, "tabs");
  for (const [k, label] of [
    ["trace", "Whole trace"],
    ["subtree", "Selected subtree"],
  ] as const) {
    const btn = el("button", label);
    btn.dataset.scope = k;
    btn.setAttribute("aria-selected", String((b.node === null) === (k === "trace")));
    btn.addEventListener("click", () => act.scope(k));
    tabs.append(btn);
  }
  root.append(tabs);
  root.append(el("h2", b.node === null ? `Trace: ${b.name}` : `Subtree: ${b.name}`));
  if (b.filtered) root.append(el("p", "Only the spans the filter matches are counted."));
  root.append(el("p", `${fmtNs(b.total_ns)} of self time`, "muted"));
  const p = palette();
  const c = b.by_class_ns;
  root.append(
    ...shareTable(
      "By class",
      [
        ["agent", c.agent],
        ["llm", c.llm],
        ["tool", c.tool],
        ["other", c.other],
      ],
      b.total_ns,
      (k) => classColor(p, CLASS_NAMES.indexOf(k as (typeof CLASS_NAMES)[number])),
    ),
  );
  const ph = b.by_phase_ns;
  root.append(
    ...shareTable(
      "By phase",
      [
        ["init", ph.init],
        ["tools", ph.tools],
        ["llm", ph.llm],
        ["format", ph.format],
        ["unphased", ph.unphased],
      ],
      b.total_ns,
    ),
  );
  root.append(el("h3", "LLM"));
  const l = b.llm;
  const dl = el("dl");
  const row = (k: string, v: string) => dl.append(el("dt", k), el("dd", v));
  row("calls", String(l.calls));
  row("tokens in / out", `${l.input_tokens} / ${l.output_tokens}`);
  row("time in calls", fmtNs(l.duration_ns));
  row("mean time to first token", l.mean_ttft_ns === null ? "—" : fmtNs(l.mean_ttft_ns));
  for (const [model, m] of Object.entries(l.by_model))
    row(model, `${m.calls} calls, ${m.input_tokens} / ${m.output_tokens} tokens, ${fmtNs(m.duration_ns)}`);
  root.append(dl);
  root.append(el("h3", "Most self time (bottlenecks)"));
  const ol = el("ol", undefined, "bottlenecks");
  for (const t of b.top_self_time) {
    const li = el("li");
    const a = el("button", t.name, "linklike");
    a.title = `span ${t.span_id}`;
    a.addEventListener("click", () => act.pick(t.node));
    li.append(a, el("span", ` ${fmtNs(t.self_ns)} · ${(t.share * 100).toFixed(1)}% · ${t.class}`, "muted"));
    ol.append(li);
  }
  root.append(ol);
}

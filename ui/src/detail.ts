// Span details, built with DOM nodes and textContent only: whatever a span
// carries is shown as text and can never become markup or script.

import { api } from "./api";
import { fmtNs } from "./columns";
import { fail, say } from "./dom";
import type { AttrJson, LogsDoc, SpanDetail, WhyDoc } from "./wire";
import { clock, lineText } from "./logline";

const FOLD = 300;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function valueText(a: AttrJson): string {
  if (typeof a.value === "string") {
    const s = a.value;
    // JSON inside a string attribute is shown pretty-printed.
    if ((s.startsWith("{") || s.startsWith("[")) && s.length < 100_000) {
      try {
        return JSON.stringify(JSON.parse(s), null, 2);
      } catch {
        /* not JSON */
      }
    }
    return s;
  }
  return JSON.stringify(a.value, null, 2);
}

function valueNode(text: string): HTMLElement {
  const dd = el("dd");
  if (text.length <= FOLD) {
    dd.textContent = text;
    return dd;
  }
  dd.textContent = `${text.slice(0, FOLD)}… `;
  const more = el("button", `show all ${text.length} characters`);
  more.addEventListener("click", () => {
    dd.textContent = text;
  });
  dd.append(more);
  return dd;
}

function pairs(title: string, rows: [string, string][]): HTMLElement[] {
  if (rows.length === 0) return [];
  const dl = el("dl");
  for (const [k, v] of rows) dl.append(el("dt", k), valueNode(v));
  return [el("h3", title), dl];
}

function attrs(title: string, list: AttrJson[]): HTMLElement[] {
  return pairs(
    title,
    list.map((a) => [`${a.key} (${a.type})`, valueText(a)]),
  );
}

/**
 * The span's events in time order, each with its attributes (an
 * exception's type, message and stack); lifecycle events marked, not
 * listed a second time.
 */
function events(d: SpanDetail): HTMLElement[] {
  const dl = el("dl", undefined, "events");
  dl.id = "events";
  for (const e of d.events) {
    const dd = el("dd");
    dd.append(el("span", e.name, e.lifecycle ? "event-name lifecycle" : "event-name"));
    if (e.lifecycle) dd.append(el("span", " lifecycle", "muted"));
    if (e.attributes.length) {
      const inner = el("dl", undefined, "event-attrs");
      for (const a of e.attributes) inner.append(el("dt", a.key), valueNode(valueText(a)));
      dd.append(inner);
    }
    dl.append(el("dt", `+${fmtNs(e.offset_ns)}`), dd);
  }
  return [el("h3", `Events: ${d.events.length}`), dl];
}

export interface DetailActions {
  /** Find every trace carrying a correlation id. */
  search: (value: string) => void;
  /** Go to a linked span. */
  link: (trace: string, span: string) => void;
  /** Select a node of the open trace (a step of a "why" chain). */
  pick?: ((node: number) => void) | undefined;
  /** Fetch the large values the source left out, when it can. */
  loadOmitted?: ((d: SpanDetail) => Promise<AttrJson[]>) | undefined;
}

/** The large values not loaded yet: their keys and a button that fetches them. */
function omitted(d: SpanDetail, load: (d: SpanDetail) => Promise<AttrJson[]>): HTMLElement {
  const box = el("div", undefined, "omitted");
  const n = d.omitted_attributes.length;
  box.append(el("p", `${n} large value${n === 1 ? "" : "s"} not loaded: ${d.omitted_attributes.join(", ")} `, "muted"));
  const btn = el("button", "Load");
  btn.id = "load-omitted";
  btn.addEventListener("click", () => {
    btn.disabled = true;
    btn.textContent = "loading…";
    load(d)
      .then((list) => box.replaceChildren(...attrs("Large values", list)))
      .catch((e: unknown) => {
        btn.disabled = false;
        btn.textContent = "Load";
        box.append(el("p", `cannot load: ${e instanceof Error ? e.message : String(e)}`, "err"));
      });
  });
  box.firstElementChild?.append(btn);
  return box;
}

/**
 * The "Why" of a span: the chain from it (or from the first failure below
 * it) down to where the failure began, each step a button that selects it.
 */
/**
 * The span's conversation, when it is an LLM call whose prompt and
 * completion were recorded (as GenAI events or its own attributes; the
 * service reads them into turns), then its log records with their time and
 * level.
 */
export function renderLogs(root: HTMLElement, doc: LogsDoc): void {
  if (doc.conversation.length > 0) {
    const box = el("div", undefined, "conversation");
    box.id = "conversation";
    box.append(el("h3", "Conversation"));
    for (const t of doc.conversation) {
      const turn = el("div", undefined, "turn");
      const text = t.finish_reason ? `${t.text}\n(${t.finish_reason})` : t.text;
      turn.append(el("span", t.role, "role"), valueNode(text));
      box.append(turn);
    }
    root.append(box);
  }
  if (doc.matched === 0) return;
  const box = el("div", undefined, "span-logs");
  box.id = "span-logs";
  const more = doc.matched > doc.records.length ? ` (first ${doc.records.length})` : "";
  box.append(el("h3", `Log records: ${doc.matched}${more}`));
  const list = el("dl");
  for (const r of doc.records) {
    const level = (r.severity_text || r.level).toUpperCase();
    const dt = el(
      "dt",
      `${clock(r.time_unix_nano)} ${level}`,
      r.level === "error" || r.level === "fatal" ? "err" : undefined,
    );
    list.append(dt, valueNode(lineText(r)));
  }
  box.append(list);
  root.append(box);
}

export function renderWhy(root: HTMLElement, why: WhyDoc, act: DetailActions): void {
  const chain = why.chains[0];
  if (!chain || chain.steps.length === 0) return;
  const box = el("div", undefined, "why");
  box.id = "why";
  box.append(el("h3", "Why"));
  const ol = el("ol");
  chain.steps.forEach((s, i) => {
    const li = el("li");
    const b = el("button", s.name, "linklike");
    b.dataset.node = String(s.node);
    b.title = s.span_id;
    b.addEventListener("click", () => act.pick?.(s.node));
    const last = i === chain.steps.length - 1 && chain.steps.length > 1;
    li.append(el("span", s.kind, `kind ${s.kind}`), " ", b, el("span", ` ${s.detail}`, "muted"));
    if (last) li.append(el("span", " ← cause", "cause"));
    ol.append(li);
  });
  box.append(ol);
  // Right under the ids: it is what a failed span is opened for.
  const after = root.querySelector("dl");
  if (after) after.after(box);
  else root.append(box);
}

export function renderDetail(root: HTMLElement, d: SpanDetail, act: DetailActions): void {
  root.replaceChildren();
  const heading = el("h2", d.name);
  heading.title = d.name;
  root.append(heading);
  const ids = el("dl");
  for (const [k, v] of [
    ["trace", d.trace_id],
    ["span", d.span_id],
    ["parent", d.parent_span_id ?? "—"],
  ] as const) {
    // The parent, when it is in the trace, is one click away.
    const parent = k === "parent" && d.parent_node !== null && act.pick ? d.parent_node : null;
    const dd = el("dd");
    if (parent !== null) {
      const go = el("button", v, "linklike");
      go.id = "detail-parent";
      go.title = "Select the parent span (Backspace comes back)";
      go.addEventListener("click", () => act.pick?.(parent));
      dd.append(go);
    } else dd.textContent = v;
    const copy = el("button", "copy", "copy");
    copy.addEventListener("click", () => {
      api
        .copyText(v)
        .then(() => say(`${k} id copied`))
        .catch(fail);
    });
    dd.append(copy);
    ids.append(el("dt", k), dd);
  }
  root.append(ids);
  const timing: [string, string][] = [
    ["service", d.service],
    ["start", `+${fmtNs(d.offset_ns)}`],
    ["duration", fmtNs(d.duration_ns)],
    ["self time", fmtNs(d.self_ns)],
    ["kind / class", `${d.kind} / ${d.class}`],
    ["status", d.status_message ? `${d.status}: ${d.status_message}` : d.status],
  ];
  if (d.flags.length) timing.push(["flags", d.flags.join(", ")]);
  root.append(...pairs("Span", timing));
  if (d.agent)
    root.append(
      ...pairs("Agent", [
        ["name", d.agent.name],
        ["state", d.agent.state],
        ["why", d.agent.reason],
      ]),
    );
  if (d.llm) {
    const n = (v: number | null) => (v === null ? "—" : String(v));
    root.append(
      ...pairs("LLM", [
        ["model", d.llm.model ?? "—"],
        ["tokens in / out", `${n(d.llm.input_tokens)} / ${n(d.llm.output_tokens)}`],
        ["time to first token", d.llm.ttft_ns === null ? "—" : fmtNs(d.llm.ttft_ns)],
      ]),
    );
  }
  root.append(...attrs("Attributes", d.attributes));
  if (d.omitted_attributes.length && act.loadOmitted) root.append(omitted(d, act.loadOmitted));
  if (d.correlation.length) {
    root.append(el("h3", "Correlation"));
    const dl = el("dl");
    for (const c of d.correlation) {
      const dd = el("dd");
      const a = el("a", c.value);
      a.href = "#";
      a.addEventListener("click", (e) => {
        e.preventDefault();
        act.search(c.value);
      });
      dd.append(a);
      dl.append(el("dt", c.key), dd);
    }
    root.append(dl);
  }
  if (d.events.length) root.append(...events(d));
  if (d.links.length) {
    root.append(el("h3", "Links"));
    const dl = el("dl");
    for (const l of d.links) {
      const dd = el("dd");
      if (l.trace_loaded) {
        const b = el("button", `${l.trace_id.slice(0, 16)}… / ${l.span_id}`, "linklike");
        b.title = `go to span ${l.span_id} of trace ${l.trace_id}`;
        b.dataset.link = l.span_id;
        b.addEventListener("click", () => act.link(l.trace_id, l.span_id));
        dd.append(b);
      } else {
        dd.textContent = `${l.trace_id} / ${l.span_id} (not loaded)`;
      }
      dl.append(el("dt", l.kind), dd);
    }
    root.append(dl);
  }
  root.append(...attrs("Resource", d.resource));
}

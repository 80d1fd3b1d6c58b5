// The logs panel of the open trace: the selected span's records first, then
// every record of the trace in time order, filtered by level and text. The
// trace's list is virtual (vlist.ts): only the rows in view exist as DOM
// nodes, and pages of records are fetched as they scroll into view, so a
// million records cost a few dozen nodes. Everything a record carries is shown as
// text, never as markup.

import { api, type LogLine, type LogQuery, type LogsDoc } from "./api";
import { fail } from "./dom";
import { clock, levelClass, lineText } from "./logline";
import { VirtualList } from "./vlist";

/** The selected span's records shown above the trace's. */
const SPAN_MAX = 100;

function row(r: LogLine, pick: (node: number) => void): HTMLElement {
  const div = document.createElement("div");
  div.className = `log-row ${levelClass(r.level)}`;
  div.dataset.index = String(r.index);
  const t = document.createElement("span");
  t.className = "log-time";
  t.textContent = clock(r.time_unix_nano);
  const lv = document.createElement("span");
  lv.className = "log-level";
  lv.textContent = (r.severity_text || r.level).slice(0, 5).toUpperCase();
  const body = document.createElement("span");
  body.className = "log-body";
  body.textContent = lineText(r);
  const attrs = Object.entries(r.attributes)
    .map(([k, v]) => `${k}=${v}`)
    .join("  ");
  div.title = `${r.span_name ?? "unattached"} (${r.attached_by})\n${lineText(r)}${attrs ? `\n${attrs}` : ""}`;
  div.append(t, lv, body);
  if (r.node !== null) {
    const node = r.node;
    div.addEventListener("click", () => pick(node));
  }
  return div;
}

export interface LogsPanelOptions {
  /** Selects a node of the open trace (a record's span). */
  pick: (node: number) => void;
}

export class LogsPanel {
  private trace: string | null = null;
  private node: number | null = null;
  /** Bumped whenever what is listed changes: late span answers are dropped. */
  private gen = 0;
  private readonly level: HTMLSelectElement;
  private readonly text: HTMLInputElement;
  private readonly count: HTMLElement;
  private readonly spanBox: HTMLElement;
  private readonly list: VirtualList<LogLine>;

  constructor(
    readonly root: HTMLElement,
    private readonly opts: LogsPanelOptions,
  ) {
    const bar = document.createElement("div");
    bar.className = "log-bar";
    this.level = document.createElement("select");
    this.level.id = "log-level";
    this.level.setAttribute("aria-label", "Least level shown");
    for (const [v, label] of [
      ["", "all levels"],
      ["debug", "debug+"],
      ["info", "info+"],
      ["warn", "warn+"],
      ["error", "error+"],
    ]) {
      const o = document.createElement("option");
      o.value = v ?? "";
      o.textContent = label ?? "";
      this.level.append(o);
    }
    this.text = document.createElement("input");
    this.text.id = "log-text";
    this.text.type = "search";
    this.text.placeholder = "Filter records";
    this.text.autocomplete = "off";
    this.count = document.createElement("span");
    this.count.id = "log-count";
    this.count.className = "muted";
    bar.append(this.level, this.text, this.count);
    this.spanBox = document.createElement("div");
    this.spanBox.id = "log-span";
    this.list = new VirtualList<LogLine>(root, {
      id: "log-list",
      fetch: async (offset, limit) => {
        const doc: LogsDoc = await api.logs(this.query(offset, limit));
        return { items: doc.records, matched: doc.matched, total: doc.total };
      },
      render: (r) => row(r, this.opts.pick),
      onPage: (p) => {
        const records = `record${p.total === 1 ? "" : "s"}`;
        this.count.textContent =
          p.matched === p.total ? `${p.total} ${records}` : `${p.matched} of ${p.total} ${records}`;
      },
    });
    root.replaceChildren(bar, this.spanBox, this.list.scroller);
    this.level.addEventListener("change", () => this.refilter());
    let typing = 0;
    this.text.addEventListener("input", () => {
      clearTimeout(typing);
      typing = window.setTimeout(() => this.refilter(), 200);
    });
  }

  private query(offset: number, limit: number, node?: number): LogQuery {
    const q: LogQuery = { offset, limit };
    if (this.trace !== null) q.trace = this.trace;
    if (node !== undefined) q.node = node;
    if (this.level.value) q.level = this.level.value;
    if (this.text.value.trim()) q.q = this.text.value.trim();
    return q;
  }

  /** Shows the records of `trace` (null: none open). */
  setTrace(trace: string | null): void {
    this.trace = trace;
    this.node = null;
    this.refilter();
  }

  /** The selected span: its records go first. */
  setNode(node: number | null): void {
    this.node = node;
    void this.loadSpan(this.gen);
  }

  private refilter(): void {
    this.gen++;
    this.list.reset(this.trace !== null);
    if (this.trace === null) {
      this.count.textContent = "";
      this.spanBox.replaceChildren();
      return;
    }
    void this.loadSpan(this.gen);
  }

  private async loadSpan(gen: number): Promise<void> {
    const node = this.node;
    if (this.trace === null || node === null) {
      this.spanBox.replaceChildren();
      return;
    }
    try {
      const doc = await api.logs(this.query(0, SPAN_MAX, node));
      if (gen !== this.gen || node !== this.node) return;
      this.spanBox.replaceChildren();
      if (doc.matched === 0) return;
      const h = document.createElement("h3");
      const name = doc.records[0]?.span_name ?? "this span";
      h.textContent = `${name}: ${doc.matched} record${doc.matched === 1 ? "" : "s"}${doc.matched > doc.records.length ? ` (first ${doc.records.length})` : ""}`;
      this.spanBox.append(h);
      for (const r of doc.records) this.spanBox.append(row(r, this.opts.pick));
    } catch (e) {
      fail(e);
    }
  }

  /** Puts the rows in view in the DOM (after the pane is shown). */
  draw(): void {
    this.list.draw();
  }
}

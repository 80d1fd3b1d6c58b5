// The logs panel of the open trace: the selected span's records first, then
// every record of the trace in time order, filtered by level and text. The
// trace's list is virtual: only the rows in view exist as DOM nodes, and
// pages of records are fetched as they scroll into view, so a million
// records cost a few dozen nodes. Everything a record carries is shown as
// text, never as markup.

import { api, type LogLine, type LogQuery, type LogsDoc } from "./api";
import { fail } from "./dom";
import { clock, levelClass, lineText } from "./logline";

/** Height of one row of the virtual list, in CSS pixels (style.css agrees). */
export const ROW_H = 20;
/** The tallest the list's spacer gets. Browsers stop laying out near 2^25
 * px (WebKit and Chromium alike); past this height the scroll position is
 * scaled to the records, so any number of them stays reachable. */
const MAX_SCROLL_PX = 8_000_000;
/** Records per page fetched. */
const PAGE = 500;
/** Pages kept on each side of the view; farther ones are dropped, so that
 * scrolling through a million records holds a few thousand. */
const KEEP_PAGES = 4;
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
  private pages = new Map<number, LogLine[]>();
  private pending = new Set<number>();
  private matched = 0;
  /** Bumped whenever what is listed changes: late answers are dropped. */
  private gen = 0;
  private readonly level: HTMLSelectElement;
  private readonly text: HTMLInputElement;
  private readonly count: HTMLElement;
  private readonly spanBox: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rows: HTMLElement;

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
    this.scroller = document.createElement("div");
    this.scroller.id = "log-list";
    this.scroller.tabIndex = 0;
    this.spacer = document.createElement("div");
    this.spacer.className = "log-spacer";
    this.rows = document.createElement("div");
    this.rows.className = "log-rows";
    this.spacer.append(this.rows);
    this.scroller.append(this.spacer);
    root.replaceChildren(bar, this.spanBox, this.scroller);
    this.level.addEventListener("change", () => this.refilter());
    let typing = 0;
    this.text.addEventListener("input", () => {
      clearTimeout(typing);
      typing = window.setTimeout(() => this.refilter(), 200);
    });
    this.scroller.addEventListener("scroll", () => this.draw());
    new ResizeObserver(() => this.draw()).observe(this.scroller);
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
    this.pages.clear();
    this.pending.clear();
    this.matched = 0;
    this.scroller.scrollTop = 0;
    this.rows.replaceChildren();
    this.spacer.style.height = "0px";
    this.root.dataset.matched = "";
    if (this.trace === null) {
      this.count.textContent = "";
      this.spanBox.replaceChildren();
      return;
    }
    void this.fetchPage(0, this.gen);
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

  private async fetchPage(page: number, gen: number): Promise<void> {
    if (this.pages.has(page) || this.pending.has(page)) return;
    this.pending.add(page);
    try {
      const doc: LogsDoc = await api.logs(this.query(page * PAGE, PAGE));
      if (gen !== this.gen) return;
      this.pages.set(page, doc.records);
      this.matched = doc.matched;
      this.spacer.style.height = `${Math.min(doc.matched * ROW_H, MAX_SCROLL_PX)}px`;
      this.count.textContent =
        doc.matched === doc.total
          ? `${doc.total} record${doc.total === 1 ? "" : "s"}`
          : `${doc.matched} of ${doc.total} record${doc.total === 1 ? "" : "s"}`;
      this.root.dataset.matched = String(doc.matched);
      this.draw();
    } catch (e) {
      fail(e);
    } finally {
      this.pending.delete(page);
    }
  }

  /** Where the view's top is in the full list, in pixels: the scroll
   * position itself unless the spacer was capped, then scaled. */
  private listTop(): number {
    const full = this.matched * ROW_H;
    const view = this.scroller.clientHeight;
    const spacer = Math.min(full, MAX_SCROLL_PX);
    if (full === spacer || spacer <= view) return this.scroller.scrollTop;
    return (this.scroller.scrollTop * (full - view)) / (spacer - view);
  }

  /** Puts the rows in view (and a few around them) in the DOM; fetches missing pages. */
  draw(): void {
    if (this.root.hidden || this.matched === 0) return;
    const top = this.listTop();
    const first = Math.max(0, Math.floor(top / ROW_H) - 5);
    const last = Math.min(this.matched, Math.ceil((top + this.scroller.clientHeight) / ROW_H) + 5);
    const nodes: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const page = Math.floor(i / PAGE);
      const r = this.pages.get(page)?.[i % PAGE];
      if (!r) {
        void this.fetchPage(page, this.gen);
        continue;
      }
      const n = row(r, this.opts.pick);
      // Placed relative to the scroll position, so a scaled list lines up too.
      n.style.top = `${this.scroller.scrollTop + i * ROW_H - top}px`;
      n.dataset.pos = String(i);
      nodes.push(n);
    }
    this.rows.replaceChildren(...nodes);
    const lo = Math.floor(first / PAGE) - KEEP_PAGES;
    const hi = Math.floor(last / PAGE) + KEEP_PAGES;
    for (const p of this.pages.keys()) if (p < lo || p > hi) this.pages.delete(p);
    // What is held, for the benchmark and the tests.
    this.root.dataset.pages = String(this.pages.size);
  }
}

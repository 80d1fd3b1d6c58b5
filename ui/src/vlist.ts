// A virtual list over a paged server query: only the rows in view exist as
// DOM nodes, pages are fetched as they scroll into view and let go when far
// from it, and past 8M px the scroll position is scaled to the rows, so any
// number of them stays reachable. The logs pane and the calls table use it.

import { fail } from "./dom";

/** Height of one row, in CSS pixels (style.css agrees). */
export const ROW_H = 20;
/** The tallest the spacer gets: browsers stop laying out near 2^25 px
 * (WebKit and Chromium alike). */
const MAX_SCROLL_PX = 8_000_000;
/** Rows per page fetched. */
export const PAGE = 500;
/** Pages kept on each side of the view. */
const KEEP_PAGES = 4;

/** One page as the server answers it. */
export interface Page<T> {
  items: T[];
  /** Rows that passed the filter, in all. */
  matched: number;
  /** Rows in the data, filter or not. */
  total: number;
}

export interface VirtualListOptions<T> {
  /** The scroller's id (its styles and the tests name it). */
  id: string;
  fetch: (offset: number, limit: number) => Promise<Page<T>>;
  render: (item: T) => HTMLElement;
  /** Told of every page that arrives (counts to show). */
  onPage?: (page: Page<T>) => void;
}

export class VirtualList<T> {
  readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rows: HTMLElement;
  private pages = new Map<number, T[]>();
  private pending = new Set<number>();
  private matched = 0;
  /** Bumped on every reset: late answers are dropped. */
  private gen = 0;

  /** `root` carries `data-matched` and `data-pages`; drawing stops while it is hidden. */
  constructor(
    private readonly root: HTMLElement,
    private readonly opts: VirtualListOptions<T>,
  ) {
    this.scroller = document.createElement("div");
    this.scroller.id = opts.id;
    this.scroller.className = "vlist";
    this.scroller.tabIndex = 0;
    this.spacer = document.createElement("div");
    this.spacer.className = "vlist-spacer";
    this.rows = document.createElement("div");
    this.rows.className = "vlist-rows";
    this.spacer.append(this.rows);
    this.scroller.append(this.spacer);
    this.scroller.addEventListener("scroll", () => this.draw());
    new ResizeObserver(() => this.draw()).observe(this.scroller);
  }

  get count(): number {
    return this.matched;
  }

  /** Forgets every page; with `load`, fetches the first again. */
  reset(load: boolean): void {
    this.gen++;
    this.pages.clear();
    this.pending.clear();
    this.matched = 0;
    this.scroller.scrollTop = 0;
    this.rows.replaceChildren();
    this.spacer.style.height = "0px";
    this.root.dataset.matched = "";
    if (load) void this.fetchPage(0, this.gen);
  }

  /** The data changed under the same query (live mode): pages are asked
   * again where the view is, the scroll position kept. */
  reload(): void {
    if (this.matched === 0) {
      this.reset(true);
      return;
    }
    this.gen++;
    this.pages.clear();
    this.pending.clear();
    this.draw();
  }

  private async fetchPage(page: number, gen: number): Promise<void> {
    if (this.pages.has(page) || this.pending.has(page)) return;
    this.pending.add(page);
    try {
      const p = await this.opts.fetch(page * PAGE, PAGE);
      if (gen !== this.gen) return;
      this.pages.set(page, p.items);
      this.matched = p.matched;
      this.spacer.style.height = `${Math.min(p.matched * ROW_H, MAX_SCROLL_PX)}px`;
      this.root.dataset.matched = String(p.matched);
      this.opts.onPage?.(p);
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
      if (r === undefined) {
        void this.fetchPage(page, this.gen);
        continue;
      }
      const n = this.opts.render(r);
      n.classList.add("vlist-row");
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

// The browser page's state in its address: the trace, the selected span,
// the view, the in-trace filters and the compare pair, so that a link (or
// a reload) opens the same view. Kept in the fragment: it never reaches a
// server log, and the access token is never part of it.

import { api, desktop } from "./api";
import { closeCompare, comparedWith, openCompare } from "./compare";
import { fail, say } from "./dom";
import { setChips } from "./spanfilter";
import { openTrace, opened } from "./trace";
import { filterTerms, model, setView, shown, stateHooks } from "./views";

interface ViewState {
  trace: string | null;
  node: number | null;
  view: "waterfall" | "flame";
  filters: string[];
  compare: string | null;
}

function current(): ViewState {
  const c = model.cols;
  return {
    trace: opened.id,
    node: c && model.selected >= 0 ? (c.node[model.selected] ?? null) : null,
    view: shown.view,
    filters: [...filterTerms],
    compare: comparedWith(),
  };
}

export function encodeState(s: ViewState): string {
  const p = new URLSearchParams();
  if (s.trace) p.set("trace", s.trace);
  if (s.node !== null) p.set("node", String(s.node));
  if (s.view !== "waterfall") p.set("view", s.view);
  for (const f of s.filters) p.append("filter", f);
  if (s.compare !== null) p.set("compare", s.compare || "baseline");
  return p.toString();
}

export function decodeState(hash: string): ViewState {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  const node = Number(p.get("node"));
  const compare = p.get("compare");
  return {
    trace: p.get("trace"),
    node: p.has("node") && Number.isInteger(node) && node >= 0 ? node : null,
    view: p.get("view") === "flame" ? "flame" : "waterfall",
    filters: p.getAll("filter"),
    compare: compare === null ? null : compare === "baseline" ? "" : compare,
  };
}

/** What the address asked for when the page loaded; saving waits until
 * it is restored, so the first trace opened does not overwrite it. */
let initial: ViewState | null = null;
let restoring = false;

function save(): void {
  if (restoring || desktop) return;
  const hash = encodeState(current());
  if (location.hash.slice(1) !== hash) history.replaceState(history.state, "", `#${hash}`);
}

/** The address of this view, to share (the recipient needs their own token). */
export function viewLink(): string {
  return `${location.origin}${location.pathname}#${encodeState(current())}`;
}

/** Where the app's links point: the address of a `tracelens serve` page,
 * as the user gave it, without its token (or any query and fragment), so
 * no credential is stored or shared. `null` when it is not an http(s) URL. */
export function serveBase(typed: string): string | null {
  let u: URL;
  try {
    u = new URL(typed.trim());
  } catch {
    return null;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return null;
  return `${u.origin}${u.pathname}`;
}

/** The link the app copies: this view on a `tracelens serve` page at `base`. */
export function serveLink(base: string): string {
  return `${base}#${encodeState(current())}`;
}

const BASE_KEY = "tracelens.serve-base";

/** The app's Copy link: asks once where the serve page is, remembers it. */
function initDesktopCopy(copy: HTMLButtonElement): void {
  const pop = document.querySelector<HTMLDivElement>("#link-pop");
  const input = document.querySelector<HTMLInputElement>("#serve-base");
  const go = document.querySelector<HTMLButtonElement>("#link-copy");
  if (!pop || !input || !go) return;
  copy.title = "Copy a link that opens this view in a tracelens serve page of the same files";
  copy.addEventListener("click", () => {
    pop.hidden = !pop.hidden;
    if (!pop.hidden) {
      input.value = localStorage.getItem(BASE_KEY) ?? "";
      input.classList.remove("bad");
      input.focus();
    }
  });
  const doCopy = (): void => {
    const base = serveBase(input.value);
    input.classList.toggle("bad", base === null);
    if (base === null) {
      say("the serve page's address is an http(s) URL, e.g. http://127.0.0.1:8080/");
      return;
    }
    localStorage.setItem(BASE_KEY, base);
    api
      .copyText(serveLink(base))
      .then(() => {
        pop.hidden = true;
        say("link to this view copied");
      })
      .catch(fail);
  };
  go.addEventListener("click", doCopy);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") doCopy();
    if (e.key === "Escape") pop.hidden = true;
  });
}

/** Opens what the address says, once the trace list is there; true when it named a trace. */
export async function restoreFromAddress(): Promise<boolean> {
  const s = initial;
  initial = null;
  if (desktop || !s?.trace) {
    restoring = false;
    return false;
  }
  restoring = true;
  try {
    setView(s.view);
    await openTrace(s.trace, s.node ?? undefined);
    if (s.filters.length) setChips(s.filters);
    if (s.compare !== null) openCompare(s.compare || null);
    else closeCompare();
  } catch (e) {
    fail(e);
  } finally {
    restoring = false;
  }
  save();
  return true;
}

export function initLink(): void {
  if (!desktop) {
    initial = decodeState(location.hash);
    restoring = initial.trace !== null;
  }
  stateHooks.changed = save;
  model.subscribe((c) => {
    if (c === "trace" || c === "select") save();
  });
  const copy = document.querySelector<HTMLButtonElement>("#copy-link");
  if (copy && desktop) initDesktopCopy(copy);
  else
    copy?.addEventListener("click", () => {
      api
        .copyText(viewLink())
        .then(() => say("link to this view copied"))
        .catch(fail);
    });
}

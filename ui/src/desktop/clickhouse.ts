// ClickHouse as a source (desktop app): connect, saved connections, the
// stored-trace list filtered by ClickHouse, opening a stored trace.

import { api, type ChTraceRow, clickhouse, type SavedConn } from "../api";
import { $, count, errorText, fail, say } from "../dom";
import { clearNarrowing, type ListTrace, listedCount, listFilters, setTraces } from "../list";
import { setSource, storedSince } from "../source";
import { opened, openTrace } from "../trace";

const STORED_PAGE = 500;
let listSeq = 0;
/** A stored-trace relist waiting for typing to pause (0: none). */
let listTimer = 0;
let savedConns: SavedConn[] = [];

const value = (sel: string): string => $<HTMLInputElement>(sel).value;

function fromStored(r: ChTraceRow): ListTrace {
  return {
    trace_id: r.trace_id,
    root_name: r.root_name,
    services: r.services,
    start_time_unix_nano: r.start_time_unix_nano,
    span_count: r.span_count,
    error_count: r.error_count,
    duration_ns: r.duration_ns,
    // The stored list does not count records; a stored trace's come with it when opened.
    log_count: 0,
    agents: r.agents.map(([name, state]) => ({ name, state: state as ListTrace["agents"][number]["state"] })),
  };
}

/** Opens a stored trace (fetched into the session). */
/** Fetches stored trace `id` into the session and opens it (at span `span`). */
export async function openStored(id: string, span?: string): Promise<void> {
  say("fetching the trace from ClickHouse…");
  try {
    const n = await clickhouse.open(id, storedSince() ?? 86400);
    opened.id = null;
    const at = span ? (await api.span(id, span)).node : undefined;
    await openTrace(id, at);
    say(`${count(n, "span")} fetched from ClickHouse`);
  } catch (e) {
    fail(e);
  }
}

/** Lists the stored traces matching every filter (ClickHouse computes it);
 * `more` appends the next page of older ones. */
export async function listStored(more = false): Promise<void> {
  const since = storedSince();
  if (since === null) return;
  const seq = ++listSeq;
  const typed = listFilters();
  try {
    const rows = await clickhouse.traces({
      sinceS: since,
      text: typed.text,
      minDurationNs: typed.minDurationNs,
      service: value("#ch-service"),
      agent: value("#ch-agent"),
      userId: value("#ch-user-id"),
      errorsOnly: $<HTMLInputElement>("#ch-errors").checked,
      state: $<HTMLSelectElement>("#ch-state").value,
      limit: STORED_PAGE,
      offset: more ? listedCount() : 0,
    });
    if (seq !== listSeq || storedSince() === null) return;
    setTraces(rows.map(fromStored), new Map(), more);
    $<HTMLElement>("#more-stored").hidden = rows.length < STORED_PAGE;
    say(
      `${count(listedCount(), "trace")} in ClickHouse${rows.length === STORED_PAGE ? " (older ones: the button below the list)" : ""}`,
    );
  } catch (e) {
    if (seq === listSeq) fail(e);
  }
}

/** Relists once typing pauses. */
export function relistStoredSoon(): void {
  clearTimeout(listTimer);
  listTimer = window.setTimeout(() => {
    listTimer = 0;
    void listStored();
  }, 250);
}

/** Whether a relist was waiting (it is cancelled: the caller relists now). */
export function takePendingRelist(): boolean {
  if (!listTimer) return false;
  clearTimeout(listTimer);
  listTimer = 0;
  return true;
}

async function refreshSaved(): Promise<void> {
  savedConns = await clickhouse.saved();
  const sel = $<HTMLSelectElement>("#ch-saved");
  sel.replaceChildren(new Option(savedConns.length ? "Saved" : "No saved connections", ""));
  savedConns.forEach((c, i) => {
    sel.append(new Option(`${c.user}@${c.url}/${c.database}`, String(i)));
  });
  $<HTMLButtonElement>("#ch-forget").hidden = true;
  sel.dataset.loaded = "1";
}

function selectedSaved(): SavedConn | undefined {
  const i = $<HTMLSelectElement>("#ch-saved").value;
  return i === "" ? undefined : savedConns[Number(i)];
}

async function connect(useSaved?: SavedConn): Promise<void> {
  const st = $<HTMLSpanElement>("#ch-status");
  st.textContent = "connecting…";
  try {
    const info = useSaved
      ? await clickhouse.connectSaved(useSaved)
      : await clickhouse.connect(
          {
            url: value("#ch-url"),
            user: value("#ch-user"),
            password: value("#ch-password"),
            database: value("#ch-database"),
          },
          $<HTMLInputElement>("#ch-save").checked,
        );
    $<HTMLInputElement>("#ch-password").value = "";
    if (info.saved) void refreshSaved();
    setSource({ kind: "stored", sinceS: Number($<HTMLSelectElement>("#ch-since").value) || 86400 });
    clearNarrowing();
    opened.id = null;
    $<HTMLFormElement>("#ch-list").hidden = false;
    st.textContent = `${info.user}@${info.url}/${info.database}${info.saved ? ` (${info.saved})` : ""}`;
    await listStored();
  } catch (e) {
    st.textContent = errorText(e);
  }
}

/** Shows the CA certificate in use (its file name; the path in the title). */
function showCa(path: string | null): void {
  const name = $<HTMLSpanElement>("#ch-ca-name");
  name.textContent = path ? (path.split(/[\\/]/).pop() ?? path) : "";
  name.title = path ?? "";
  $<HTMLButtonElement>("#ch-ca-clear").hidden = !path;
}

export function initClickHouse(): void {
  $<HTMLButtonElement>("#ch-ca").addEventListener("click", () => {
    clickhouse
      .pickCa()
      .then((p) => showCa(p))
      .catch(fail);
  });
  $<HTMLButtonElement>("#ch-ca-clear").addEventListener("click", () => {
    clickhouse
      .clearCa()
      .then(() => showCa(null))
      .catch(fail);
  });
  $<HTMLButtonElement>("#ch-toggle").addEventListener("click", () => {
    const f = $<HTMLFormElement>("#ch-form");
    f.hidden = !f.hidden;
    if (!f.hidden) $<HTMLInputElement>("#ch-url").focus();
  });
  $<HTMLFormElement>("#ch-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void connect();
  });
  $<HTMLSelectElement>("#ch-saved").addEventListener("change", () => {
    const c = selectedSaved();
    $<HTMLButtonElement>("#ch-forget").hidden = !c;
    if (!c) return;
    $<HTMLInputElement>("#ch-url").value = c.url;
    $<HTMLInputElement>("#ch-user").value = c.user;
    $<HTMLInputElement>("#ch-database").value = c.database;
    showCa(c.ca_cert || null);
    void connect(c);
  });
  $<HTMLButtonElement>("#ch-forget").addEventListener("click", () => {
    const c = selectedSaved();
    if (!c) return;
    void clickhouse
      .forget(c)
      .then(refreshSaved)
      .then(() => {
        $<HTMLSpanElement>("#ch-status").textContent = "forgotten";
      })
      .catch(fail);
  });
  void refreshSaved().catch(fail);
  $<HTMLFormElement>("#ch-list").addEventListener("submit", (e) => {
    e.preventDefault();
    void listStored();
  });
  for (const sel of ["#ch-service", "#ch-agent", "#ch-user-id"]) {
    $<HTMLInputElement>(sel).addEventListener("input", () => {
      if (storedSince() !== null) relistStoredSoon();
    });
  }
  $<HTMLInputElement>("#ch-errors").addEventListener("change", () => void listStored());
  $<HTMLSelectElement>("#ch-state").addEventListener("change", () => void listStored());
  $<HTMLButtonElement>("#more").addEventListener("click", () => void listStored(true));
}

// The one data API the page uses, over either transport: Tauri commands in
// the desktop app, or the local HTTP API of `tracelens serve` in a browser.
// Both answer from the same service layer with the same documents. The HTTP
// access token comes from the page's URL and goes in a header, never into
// another URL.

import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type {
  AttrJson,
  Breakdown,
  CallQuery,
  CallsDoc,
  DiffDoc,
  DiffQuery,
  GraphDoc,
  GraphQuery,
  HealthDoc,
  HealthQuery,
  SessionsDoc,
  SessionsQuery,
  LogQuery,
  LogsDoc,
  Markers,
  Report,
  ReportQuery,
  SearchResult,
  SpanDetail,
  SummaryDoc,
  TraceMatches,
  WhyDoc,
} from "./wire";

export type * from "./wire";

/** Whether the page runs inside the desktop app. */
export const desktop: boolean = "__TAURI_INTERNALS__" in window;

const token = new URLSearchParams(location.search).get("token") ?? "";
// Read once, then out of the address bar: it must not sit in the history,
// a bookmark or a screen share.
if (token !== "") {
  const clean = new URL(location.href);
  clean.searchParams.delete("token");
  history.replaceState(history.state, "", clean.pathname + clean.search + clean.hash);
}

async function get(path: string): Promise<Response> {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) {
    let msg = `${res.status} ${res.statusText}`;
    try {
      const body: unknown = await res.json();
      if (body && typeof body === "object" && "error" in body) msg = String(body.error);
    } catch {
      /* not JSON: keep the status line */
    }
    throw new Error(msg);
  }
  return res;
}

async function getJson<T>(path: string): Promise<T> {
  return (await (await get(path)).json()) as T;
}

async function call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw new Error(typeof e === "string" ? e : e instanceof Error ? e.message : String(e));
  }
}

const enc = encodeURIComponent;

/** A question as a URL query: its fields that are set. */
function queryParams(
  q: LogQuery | ReportQuery | CallQuery | HealthQuery | SessionsQuery | DiffQuery | GraphQuery,
): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  return p.toString();
}

export const api = {
  summary: (): Promise<SummaryDoc> => (desktop ? call("summary") : getJson("/api/summary")),
  search: (id: string): Promise<SearchResult> =>
    desktop ? call("search", { id }) : getJson(`/api/search?id=${enc(id)}`),
  columns: async (trace: string): Promise<ArrayBuffer> =>
    desktop
      ? call("columns", { trace, adjustSkew: false })
      : (await get(`/api/traces/${enc(trace)}/columns`)).arrayBuffer(),
  node: (trace: string, node: number): Promise<SpanDetail> =>
    desktop ? call("node", { trace, node }) : getJson(`/api/traces/${enc(trace)}/nodes/${node}`),
  /** With `terms` (the in-trace filter's chips), only the matching spans count. */
  breakdown: (trace: string, node: number | null, terms: string[] = []): Promise<Breakdown> =>
    desktop
      ? call("breakdown", { trace, node, terms: terms.join("\n") })
      : getJson(
          `/api/traces/${enc(trace)}/breakdown?terms=${enc(terms.join("\n"))}${node === null ? "" : `&node=${node}`}`,
        ),
  why: (trace: string, node: number | null): Promise<WhyDoc> =>
    desktop
      ? call("why", { trace, node })
      : getJson(`/api/traces/${enc(trace)}/why${node === null ? "" : `?node=${node}`}`),
  span: (trace: string, span: string): Promise<SpanDetail> =>
    desktop ? call("span", { trace, span }) : getJson(`/api/traces/${enc(trace)}/spans/${enc(span)}`),
  markers: (trace: string): Promise<Markers> =>
    desktop ? call("markers", { trace }) : getJson(`/api/traces/${enc(trace)}/markers`),
  sessions: (q: SessionsQuery): Promise<SessionsDoc> =>
    desktop ? call("sessions", { query: q }) : getJson(`/api/sessions?${queryParams(q)}`),
  health: (q: HealthQuery): Promise<HealthDoc> =>
    desktop ? call("health", { query: q }) : getJson(`/api/health?${queryParams(q)}`),
  calls: (q: CallQuery): Promise<CallsDoc> =>
    desktop ? call("calls", { query: q }) : getJson(`/api/calls?${queryParams(q)}`),
  report: (q: ReportQuery): Promise<Report> =>
    desktop ? call("report", { query: q }) : getJson(`/api/report?${queryParams(q)}`),
  logs: (q: LogQuery): Promise<LogsDoc> =>
    desktop ? call("logs", { query: q }) : getJson(`/api/logs?${queryParams(q)}`),
  /** The in-trace filter's answer: a u32 match count, then a byte per row. */
  filter: async (trace: string, terms: string[]): Promise<ArrayBuffer> =>
    desktop
      ? call("filter", { trace, terms: terms.join("\n") })
      : (await get(`/api/traces/${enc(trace)}/filter?terms=${enc(terms.join("\n"))}`)).arrayBuffer(),
  diff: (q: DiffQuery): Promise<DiffDoc> =>
    desktop ? call("diff", { query: q }) : getJson(`/api/diff?${queryParams(q)}`),
  graph: (q: GraphQuery): Promise<GraphDoc> =>
    desktop ? call("graph", { query: q }) : getJson(`/api/graph?${queryParams(q)}`),
  /** Saves the trace (or the subtree under `node`) as `format`: the app
   * asks where; a browser downloads it. */
  exportTrace: async (trace: string, node: number | null, format: string): Promise<string | null> => {
    if (desktop) return call("export_trace", { trace, node, format });
    const q = `format=${enc(format)}${node === null ? "" : `&node=${node}`}`;
    const res = await get(`/api/traces/${enc(trace)}/export?${q}`);
    const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "trace";
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return name;
  },
  find: (trace: string, q: string): Promise<TraceMatches> =>
    desktop ? call("find", { trace, q }) : getJson(`/api/traces/${enc(trace)}/find?q=${enc(q)}`),
  /** Puts text on the clipboard: the app through the OS (the web view's
   * clipboard rules differ per platform), a browser through the page. */
  copyText: (text: string): Promise<void> =>
    desktop ? call("copy_text", { text }) : navigator.clipboard.writeText(text),
};

/** Opening files: the desktop app only (a browser session serves what `tracelens serve` opened). */
export const opener = {
  dialog: (): Promise<void> => call("open_dialog"),
  sample: (): Promise<void> => call("open_sample"),
  recent: (path: string): Promise<void> => call("open_recent", { path }),
  recentFiles: (): Promise<string[]> => call("recent_files"),
  cancel: (): Promise<boolean> => call("cancel_open"),
  status: (): Promise<LoadStatus> => call("load_status"),
  /** The trace and span `tracelens open --trace ID --span ID` asked for, once. */
  startAt: (): Promise<{ trace: string; span: string | null } | null> => call("start_at"),
  onProgress: (f: (s: LoadStatus) => void): Promise<unknown> =>
    listen<LoadStatus>("load-progress", (e) => f(e.payload)),
  onFinished: (f: (s: LoadStatus) => void): Promise<unknown> =>
    listen<LoadStatus>("load-finished", (e) => f(e.payload)),
  onLive: (f: (s: LiveStatus) => void): Promise<unknown> => listen<LiveStatus>("live-update", (e) => f(e.payload)),
  liveShow: (): Promise<LiveStatus> => call("live_show"),
  liveStatus: (): Promise<LiveStatus> => call("live_status"),
  /** Writes received spans to the connected ClickHouse (or stops). */
  liveWriteThrough: (enable: boolean): Promise<LiveStatus> => call("live_write_through", { enable }),
};

/** ClickHouse as a source: the desktop app only. */
export const clickhouse = {
  connect: (form: ConnForm, save: boolean): Promise<ChInfo> => call("ch_connect", { form, save }),
  /** Saved connections: no passwords (those stay in the OS keychain). */
  saved: (): Promise<SavedConn[]> => call("ch_saved"),
  connectSaved: (conn: SavedConn): Promise<ChInfo> => call("ch_connect_saved", { conn }),
  forget: (conn: SavedConn): Promise<void> => call("ch_forget", { conn }),
  disconnect: (): Promise<void> => call("ch_disconnect"),
  traces: (filter: ChFilter): Promise<ChTraceRow[]> => call("ch_traces", { filter }),
  /** The report and health over stored runs, computed by the server. */
  report: (sinceS: number, groupBy: string): Promise<Report> => call("ch_report", { sinceS, groupBy }),
  health: (sinceS: number): Promise<HealthDoc> => call("ch_health", { sinceS }),
  calls: (query: CallQuery, sinceS: number): Promise<CallsDoc> => call("ch_calls", { query, sinceS }),
  /** The CA certificate is picked in the native dialog: its path never goes from the page to Rust. */
  pickCa: (): Promise<string | null> => call("ch_pick_ca"),
  clearCa: (): Promise<void> => call("ch_clear_ca"),
  open: (trace: string, sinceS: number): Promise<number> => call("ch_open", { trace, sinceS }),
  search: (value: string, sinceS: number): Promise<string[]> => call("ch_search", { value, sinceS }),
  /** A span's large values, left in ClickHouse when its trace opened. */
  spanAttrs: (trace: string, span: string): Promise<AttrJson[]> => call("ch_span_attrs", { trace, span }),
};

/** The stored-trace list's filters, applied by ClickHouse over the whole range. */
export interface ChFilter {
  sinceS: number;
  text: string;
  minDurationNs: number;
  service: string;
  agent: string;
  userId: string;
  errorsOnly: boolean;
  state: string;
  limit: number;
  offset: number;
}
export interface ChInfo {
  url: string;
  database: string;
  user: string;
  attrs: string;
  lookup: boolean;
  saved: string | null;
}
export interface SavedConn {
  url: string;
  user: string;
  database: string;
  ca_cert: string;
}
/** The connection form; the password goes to Rust and, when saved, to the OS keychain only. */
export interface ConnForm {
  url: string;
  user: string;
  password: string;
  database: string;
}
export interface ChTraceRow {
  trace_id: string;
  root_name: string;
  services: string[];
  start_time_unix_nano: number;
  duration_ns: number;
  span_count: number;
  error_count: number;
  /** [agent name, state] per execution, when the server has agent_executions. */
  agents: [string, string][];
}

export interface LiveStatus {
  listening: string[];
  error: string | null;
  active: boolean;
  spans: number;
  traces: number;
  parked_spans: number;
  dropped_spans: number;
  dropped_traces: number;
  /** The write-through, when on. */
  clickhouse: WriteThroughStatus | null;
}
export interface WriteThroughStatus {
  target: string;
  written_spans: number;
  written_agent_rows: number;
  written_logs: number;
  spooled_batches: number;
  dropped_spans: number;
  dropped_agent_rows: number;
  dropped_logs: number;
  retries: number;
  unreadable_files: number;
  last_error: string | null;
}
export interface LoadStatus {
  loading: boolean;
  names: string[];
  bytes_read: number;
  bytes_total: number;
  traces: number;
  spans: number;
  cancelled: boolean;
  errors: string[];
}

// The local HTTP API of `tracelens serve`. The access token comes from the
// page's URL and goes in a header, never into another URL.

const token = new URLSearchParams(location.search).get("token") ?? "";

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

export async function getJson<T>(path: string): Promise<T> {
  return (await (await get(path)).json()) as T;
}

export async function getBytes(path: string): Promise<ArrayBuffer> {
  return (await get(path)).arrayBuffer();
}

export interface AgentSummary { span_id: string; name: string; state: string; reason: string }
export interface TraceSummary {
  trace_id: string;
  root_name: string;
  services: string[];
  start_time_unix_nano: number;
  span_count: number;
  error_count: number;
  duration_ns: number;
  agents: AgentSummary[];
}
export interface Warning { kind: string; trace_id: string | null; span_id: string | null; message: string }
export interface SummaryDoc { traces: TraceSummary[]; warnings: Warning[] }
export interface SearchResult { value: string; traces: { trace_id: string; root_name: string; hits: { span_id: string; name: string; key: string }[] }[] }

export interface AttrJson { key: string; type: string; value: unknown }
export interface SpanDetail {
  trace_id: string; span_id: string; parent_span_id: string | null; node: number;
  name: string; service: string; kind: string; class: string; status: string; status_message: string;
  offset_ns: number; duration_ns: number; self_ns: number; flags: string[];
  attributes: AttrJson[]; resource: AttrJson[];
  scope: { name: string; version: string; attributes: AttrJson[] };
  events: { name: string; offset_ns: number; attributes: AttrJson[] }[];
  links: { trace_id: string; span_id: string; kind: string; trace_loaded: boolean }[];
  llm: { model: string | null; input_tokens: number | null; output_tokens: number | null; ttft_ns: number | null } | null;
  agent: { name: string; state: string; reason: string } | null;
  lifecycle: { kind: string; offset_ns: number }[];
  correlation: { key: string; value: string }[];
}

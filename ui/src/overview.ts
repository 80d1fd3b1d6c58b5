// The Overview beside the trace list: the service's report across the
// loaded runs (per agent, operation, service or model; models; critical-path
// bottlenecks; error kinds), with a chart of each group's p50 and p95. Every
// figure is the report's; an example trace opens at its span.

import { api, clickhouse, type Example, type HealthDoc, type Report, type SessionsDoc } from "./api";
import { fmtNs, fmtUsd as usd } from "./columns";
import { $, count, errorText, say, td } from "./dom";
import { runQuery } from "./panes";
import { source } from "./source";
import { openTrace, selectNode } from "./trace";

const pane = $<HTMLElement>("#overview");
const group = $<HTMLSelectElement>("#ov-group");
/** Bumped per request: a late answer for an older grouping is dropped. */
let gen = 0;

function pct(part: number, whole: number): string {
  return whole > 0 ? `${((part * 100) / whole).toFixed(1)}%` : "–";
}

function ns(v: number | null): string {
  return v === null || !Number.isFinite(v) ? "–" : fmtNs(Math.max(0, v));
}

/** Opens the example's trace with its span selected. */
async function openExample(e: Example): Promise<void> {
  await openTrace(e.trace_id);
  if (e.span_id === "") return;
  try {
    const d = await api.span(e.trace_id, e.span_id);
    selectNode(d.node);
  } catch (err) {
    say(`cannot select span ${e.span_id}: ${errorText(err)}`);
  }
}

/** A link-like button that opens the example's run at its span. */
function exampleButton(e: Example, label: string): HTMLButtonElement {
  const b = document.createElement("button");
  b.className = "linklike ov-example";
  b.textContent = label;
  b.title = `open trace ${e.trace_id} at span ${e.span_id}`;
  b.dataset.trace = e.trace_id;
  b.dataset.span = e.span_id;
  b.addEventListener("click", () => void openExample(e));
  return b;
}

function exampleCell(e: Example | null, label: string): HTMLTableCellElement {
  const c = document.createElement("td");
  if (e === null) c.textContent = "–";
  else c.append(exampleButton(e, label));
  return c;
}

function table(id: string, title: string, head: string[], rows: HTMLTableRowElement[]): HTMLElement {
  const box = document.createElement("div");
  box.className = "ov-part";
  const h = document.createElement("h3");
  h.textContent = title;
  const t = document.createElement("table");
  t.id = id;
  const thead = t.createTHead().insertRow();
  for (const x of head) {
    const th = document.createElement("th");
    th.textContent = x;
    thead.append(th);
  }
  t.createTBody().append(...rows);
  box.append(h, t);
  return box;
}

function tr(cells: HTMLTableCellElement[]): HTMLTableRowElement {
  const r = document.createElement("tr");
  r.append(...cells);
  return r;
}

/** A canvas of `w` x `h` CSS pixels drawn at the screen's density, and its
 * context scaled to CSS pixels (null where canvas is unavailable). */
function sharpCanvas(
  id: string,
  label: string,
  w: number,
  h: number,
): [HTMLCanvasElement, CanvasRenderingContext2D | null] {
  const c = document.createElement("canvas");
  c.id = id;
  const dpr = window.devicePixelRatio || 1;
  c.width = w * dpr;
  c.height = h * dpr;
  c.style.width = `${w}px`;
  c.style.height = `${h}px`;
  c.setAttribute("aria-label", label);
  const g = c.getContext("2d");
  g?.scale(dpr, dpr);
  return [c, g];
}

/** Per model, tokens (input solid, output light, on one scale) and cost
 * written beside: where the tokens and the money go. */
function modelChart(r: Report): HTMLCanvasElement {
  const rows = r.models.slice(0, 12);
  const rowH = 18;
  const w = 340;
  const [c, g] = sharpCanvas("ov-models-chart", "tokens and cost per model", w, rows.length * rowH + 4);
  if (!g) return c;
  const max = Math.max(1, ...rows.map((m) => m.input_tokens + m.output_tokens));
  const styles = getComputedStyle(document.body);
  const fg = styles.getPropertyValue("--fg").trim() || "#222";
  const llm = styles.getPropertyValue("--llm").trim() || "#0891b2";
  const label = 120;
  g.font = "12px system-ui, sans-serif";
  g.textBaseline = "middle";
  rows.forEach((m, i) => {
    const y = i * rowH + 2;
    const scale = (v: number) => ((w - label - 70) * Math.max(0, v)) / max;
    g.fillStyle = llm;
    g.fillRect(label, y + 2, scale(m.input_tokens), rowH - 6);
    g.globalAlpha = 0.4;
    g.fillRect(label + scale(m.input_tokens), y + 2, scale(m.output_tokens), rowH - 6);
    g.globalAlpha = 1;
    g.fillStyle = fg;
    // Text is drawn as pixels: a model name from a trace never becomes markup.
    g.fillText(m.model.length > 16 ? `${m.model.slice(0, 15)}…` : m.model, 2, y + rowH / 2);
    g.fillText(usd(m.cost_usd), label + scale(m.input_tokens + m.output_tokens) + 4, y + rowH / 2);
  });
  c.dataset.rows = String(rows.length);
  return c;
}

/** p50 (solid) and p95 (light) bars per group, on one scale. */
function chart(r: Report): HTMLCanvasElement {
  const rows = r.groups.slice(0, 12);
  const rowH = 18;
  const w = 340;
  const [c, g] = sharpCanvas("ov-chart", "p50 and p95 duration per group", w, rows.length * rowH + 4);
  if (!g) return c;
  const max = Math.max(1, ...rows.map((x) => (Number.isFinite(x.p95_ns) ? x.p95_ns : 0)));
  const styles = getComputedStyle(document.body);
  const fg = styles.getPropertyValue("--fg").trim() || "#222";
  const accent = styles.getPropertyValue("--accent").trim() || "#3b82f6";
  const label = 120;
  g.font = "12px system-ui, sans-serif";
  g.textBaseline = "middle";
  rows.forEach((x, i) => {
    const y = i * rowH + 2;
    const scale = (v: number) => (Number.isFinite(v) ? ((w - label - 70) * v) / max : 0);
    g.globalAlpha = 0.35;
    g.fillStyle = accent;
    g.fillRect(label, y + 2, scale(x.p95_ns), rowH - 6);
    g.globalAlpha = 1;
    g.fillRect(label, y + 2, scale(x.p50_ns), rowH - 6);
    g.fillStyle = fg;
    // Text is drawn as pixels: a name from a trace never becomes markup.
    g.fillText(x.key.length > 18 ? `${x.key.slice(0, 17)}…` : x.key, 2, y + rowH / 2);
    g.fillText(ns(x.p95_ns), label + scale(x.p95_ns) + 4, y + rowH / 2);
  });
  c.dataset.rows = String(rows.length);
  return c;
}

/** Per agent, a column per time bucket: runs as bar height, failures and
 * timeouts in the error colour, a death as a dark cap. */
function healthChart(h: HealthDoc): HTMLCanvasElement {
  const rowH = 22;
  const label = 120;
  const cellW = Math.max(2, Math.min(12, Math.floor(560 / Math.max(1, h.buckets))));
  const w = label + cellW * h.buckets + 4;
  const [c, g] = sharpCanvas("ov-health", "runs and failures per agent over time", w, h.agents.length * rowH + 4);
  if (!g) return c;
  const styles = getComputedStyle(document.body);
  const fg = styles.getPropertyValue("--fg").trim() || "#222";
  const ok = styles.getPropertyValue("--agent").trim() || "#7c3aed";
  const bad = styles.getPropertyValue("--error").trim() || "#dc2626";
  const max = Math.max(1, ...h.agents.flatMap((a) => a.runs));
  g.font = "12px system-ui, sans-serif";
  g.textBaseline = "middle";
  h.agents.forEach((a, i) => {
    const y = i * rowH + 2;
    g.fillStyle = fg;
    g.fillText(a.agent.length > 16 ? `${a.agent.slice(0, 15)}…` : a.agent, 2, y + rowH / 2);
    a.runs.forEach((n, b) => {
      if (n === 0) return;
      const x = label + b * cellW;
      const full = ((rowH - 4) * n) / max;
      const problems = (a.failed[b] ?? 0) + (a.timeout[b] ?? 0) + (a.dead[b] ?? 0);
      g.fillStyle = ok;
      g.fillRect(x, y + rowH - 2 - full, cellW - 1, full);
      if (problems > 0) {
        g.fillStyle = bad;
        const part = (full * problems) / n;
        g.fillRect(x, y + rowH - 2 - part, cellW - 1, part);
      }
      if ((a.dead[b] ?? 0) > 0) {
        g.fillStyle = fg;
        g.fillRect(x, y + 1, cellW - 1, 3);
      }
    });
  });
  c.dataset.agents = String(h.agents.length);
  return c;
}

/** Per agent, its runs' p95 (light) and p50 (solid) duration over the
 * buckets as lines, each row on its own scale (its slowest p95 written
 * beside it): where an agent got slower, and when. */
function latencyChart(h: HealthDoc): HTMLCanvasElement {
  const rowH = 30;
  const label = 120;
  const right = 96;
  const cellW = Math.max(2, Math.min(12, Math.floor(560 / Math.max(1, h.buckets))));
  const w = label + cellW * h.buckets + right;
  const [c, g] = sharpCanvas("ov-latency", "p50 and p95 duration per agent over time", w, h.agents.length * rowH + 4);
  if (!g) return c;
  const styles = getComputedStyle(document.body);
  const fg = styles.getPropertyValue("--fg").trim() || "#222";
  const line = styles.getPropertyValue("--agent").trim() || "#7c3aed";
  g.font = "12px system-ui, sans-serif";
  g.textBaseline = "middle";
  let points = 0;
  h.agents.forEach((a, i) => {
    const y = i * rowH + 2;
    g.fillStyle = fg;
    g.fillText(a.agent.length > 16 ? `${a.agent.slice(0, 15)}…` : a.agent, 2, y + rowH / 2);
    const max = Math.max(1, ...a.p95_ns);
    const at = (v: number) => y + rowH - 3 - ((rowH - 6) * v) / max;
    for (const [series, alpha, width] of [
      [a.p95_ns, 0.4, 1.5],
      [a.p50_ns, 1, 1.5],
    ] as const) {
      g.strokeStyle = line;
      g.fillStyle = line;
      g.globalAlpha = alpha;
      g.lineWidth = width;
      g.beginPath();
      let open = false;
      series.forEach((v, b) => {
        // Buckets without a run are gaps, not zeros.
        if ((a.runs[b] ?? 0) === 0) {
          open = false;
          return;
        }
        const x = label + b * cellW + cellW / 2;
        if (open) g.lineTo(x, at(v));
        else g.moveTo(x, at(v));
        g.fillRect(x - 1, at(v) - 1, 2, 2);
        open = true;
        if (series === a.p50_ns) points++;
      });
      g.stroke();
    }
    g.globalAlpha = 1;
    g.fillStyle = fg;
    g.fillText(`p95 ≤ ${fmtNs(max)}`, label + cellW * h.buckets + 6, y + rowH / 2);
  });
  c.dataset.points = String(points);
  return c;
}

function healthPart(h: HealthDoc): HTMLElement {
  const box = document.createElement("div");
  box.className = "ov-part";
  const title = document.createElement("h3");
  title.textContent = `Agent health (${count(h.buckets, "bucket")} of ${fmtNs(h.bucket_ns)})`;
  const latency = document.createElement("h3");
  latency.textContent = "Duration over time (p50 solid, p95 light)";
  box.append(title, healthChart(h), latency, latencyChart(h));
  if (h.dead.length > 0) {
    const rows = h.dead.map((d) =>
      tr([
        td(d.agent, "ov-key"),
        td(
          d.last_heartbeat_unix_nano === null ? "never beat" : new Date(d.last_heartbeat_unix_nano / 1e6).toISOString(),
        ),
        td(d.doing || "–"),
        td(d.reason),
        exampleCell({ trace_id: d.trace_id, span_id: d.span_id, duration_ns: 0 }, "open"),
      ]),
    );
    box.append(table("ov-dead", "Dead agents", ["agent", "last heartbeat", "doing", "why", "run"], rows));
  }
  return box;
}

/** The most sessions listed; the rest are counted. */
const MAX_SESSIONS = 100;

function sessionsPart(d: SessionsDoc): HTMLElement | null {
  if (d.sessions.length === 0) return null;
  const rows = d.sessions.slice(0, MAX_SESSIONS).map((s) => {
    const runs = document.createElement("td");
    runs.className = "ov-runs";
    for (const r of s.runs.slice(0, 8)) {
      runs.append(
        exampleButton({ trace_id: r.trace_id, span_id: "", duration_ns: r.duration_ns }, ns(r.duration_ns)),
        " ",
      );
    }
    if (s.runs.length > 8) runs.append(`+${s.runs.length - 8}`);
    return tr([
      td(`${s.key}=${s.value}`, "ov-key"),
      td(String(s.runs.length), "num"),
      td(ns(s.span_ns), "num"),
      td(String(s.input_tokens + s.output_tokens), "num"),
      td(usd(s.cost_usd), "num"),
      td(String(s.problems), "num"),
      runs,
    ]);
  });
  const more = d.sessions.length - rows.length;
  const t = table(
    "ov-sessions",
    `Sessions${more > 0 ? ` (latest ${rows.length} of ${d.sessions.length})` : ""}`,
    ["session", "runs", "over", "tokens", "cost", "problems", "runs in order"],
    rows,
  );
  return t;
}

function render(r: Report, h: HealthDoc, sessions: SessionsDoc): void {
  const agents = r.group_by === "agent";
  const head = [
    r.group_by,
    agents ? "runs" : "count",
    ...(agents ? ["failed", "timeout", "dead"] : ["errors"]),
    "p50",
    "p95",
    "p99",
    "max",
    "LLM",
    "tools",
    "cost",
    "slowest",
    "failed",
  ];
  const groups = r.groups.map((g) =>
    tr([
      td(g.key, "ov-key"),
      td(String(g.count), "num"),
      ...(agents
        ? [
            td(pct(g.states.failed, g.count), "num"),
            td(pct(g.states.timeout, g.count), "num"),
            td(pct(g.states.dead, g.count), "num"),
          ]
        : [td(pct(g.errors, g.count), "num")]),
      td(ns(g.p50_ns), "num"),
      td(ns(g.p95_ns), "num"),
      td(ns(g.p99_ns), "num"),
      td(ns(g.max_ns), "num"),
      td(g.llm_ns === null ? "–" : pct(g.llm_ns, g.total_ns), "num"),
      td(g.tool_ns === null ? "–" : pct(g.tool_ns, g.total_ns), "num"),
      td(usd(g.cost_usd), "num"),
      exampleCell(g.slowest, ns(g.slowest?.duration_ns ?? null)),
      exampleCell(g.failed, g.failed ? "open" : "–"),
    ]),
  );
  const models = r.models.map((m) =>
    tr([
      td(m.model, "ov-key"),
      td(String(m.calls), "num"),
      td(String(m.errors), "num"),
      td(ns(m.p50_ns), "num"),
      td(ns(m.p95_ns), "num"),
      td(ns(m.ttft_p50_ns), "num"),
      td(String(m.input_tokens), "num"),
      td(String(m.output_tokens), "num"),
      td(String(m.cache_read_tokens), "num"),
      td(ns(m.total_ns), "num"),
      td(usd(m.cost_usd), "num"),
      exampleCell(m.slowest, ns(m.slowest?.duration_ns ?? null)),
    ]),
  );
  const paths = r.bottlenecks.map((b) =>
    tr([
      td(b.name, "ov-key"),
      td(b.service),
      td(String(b.traces), "num"),
      td(ns(b.on_path_ns), "num"),
      td(`${(b.share * 100).toFixed(1)}%`, "num"),
      exampleCell(b.example, ns(b.example.duration_ns)),
    ]),
  );
  const runs = r.costliest_runs.map((c) =>
    tr([
      td(usd(c.cost_usd), "num"),
      td(c.root_name, "ov-key"),
      td(String(c.llm_calls), "num"),
      td(String(c.input_tokens), "num"),
      td(String(c.output_tokens), "num"),
      exampleCell({ trace_id: c.trace_id, span_id: "", duration_ns: 0 }, c.trace_id.slice(0, 16)),
    ]),
  );
  const errors = r.errors.map((e) =>
    tr([
      td(e.kind, "ov-key"),
      td(String(e.count), "num"),
      td(String(e.traces), "num"),
      td(e.name),
      exampleCell(e.example, "open"),
    ]),
  );
  const summary = document.createElement("p");
  summary.className = "muted";
  summary.id = "ov-summary";
  const more = r.groups_total - r.groups.length;
  const unpriced = r.unpriced_models.length > 0 ? ` No price for ${r.unpriced_models.join(", ")}.` : "";
  const kept = runQuery();
  const filtered = source().kind !== "stored" && (kept.run_text !== undefined || kept.run_min_ns > 0);
  summary.dataset.traces = String(r.traces);
  summary.textContent = `${filtered ? "Of the runs the list's filters keep: across" : "Across"} ${count(r.traces, "trace")} and ${count(r.spans, "span")}${more > 0 ? ` (${more} more groups not shown)` : ""}; LLM cost ${usd(r.cost_usd)}.${unpriced}`;
  const parts: HTMLElement[] = [summary];
  if (r.not_computed.length > 0) {
    const note = document.createElement("ul");
    note.id = "ov-not-computed";
    note.className = "muted";
    for (const n of r.not_computed) {
      const li = document.createElement("li");
      li.textContent = `Not computed here: ${n}`;
      note.append(li);
    }
    parts.push(note);
  }
  // The chart beside its table: both in view at once.
  const top = document.createElement("div");
  top.className = "ov-top";
  top.append(table("ov-groups", `By ${r.group_by}`, head, groups));
  if (r.groups.length > 0) top.append(chart(r));
  parts.push(top);
  if (models.length > 0) {
    const row = document.createElement("div");
    row.className = "ov-top";
    row.append(
      table(
        "ov-models",
        "Models",
        [
          "model",
          "calls",
          "errors",
          "p50",
          "p95",
          "TTFT p50",
          "in tokens",
          "out tokens",
          "cached",
          "time",
          "cost",
          "slowest",
        ],
        models,
      ),
      modelChart(r),
    );
    parts.push(row);
  }
  if (paths.length > 0)
    parts.push(
      table("ov-paths", "On the critical path most", ["step", "service", "runs", "on path", "share", "longest"], paths),
    );
  if (h.agents.length > 0) parts.push(healthPart(h));
  const sp = sessionsPart(sessions);
  if (sp) parts.push(sp);
  if (runs.length > 0)
    parts.push(table("ov-runs", "Costliest runs", ["cost", "root", "calls", "in tokens", "out tokens", "run"], runs));
  if (errors.length > 0)
    parts.push(table("ov-errors", "Error kinds", ["kind", "count", "runs", "span", "example"], errors));
  pane.replaceChildren(...parts);
  pane.dataset.groups = String(r.groups.length);
}

/** Fetches and draws the report for the chosen grouping. */
export async function refreshOverview(): Promise<void> {
  if (pane.hidden) return;
  const mine = ++gen;
  try {
    const src = source();
    const only = runQuery();
    // Stored runs are aggregated by ClickHouse over the listed range, never
    // fetched; sessions are computed over loaded runs only.
    const noSessions: SessionsDoc = { keys: [], sessions: [], runs_without_session: 0 };
    const [r, h, s] = await Promise.all(
      src.kind === "stored"
        ? [clickhouse.report(src.sinceS, group.value), clickhouse.health(src.sinceS), Promise.resolve(noSessions)]
        : [api.report({ group_by: group.value, ...only }), api.health(only), api.sessions(only)],
    );
    if (mine === gen) render(r, h, s);
  } catch (e) {
    if (mine === gen) say(`cannot make the overview: ${errorText(e)}`);
  }
}

export function initOverview(): void {
  group.addEventListener("change", () => void refreshOverview());
}

// The live receiver (desktop app): its button and status, the write-through
// to ClickHouse, and the list and open trace growing as spans and log
// records arrive.

import { type LiveStatus, opener } from "../api";
import { $, count, errorText } from "../dom";
import { listed, loadSummary } from "../list";
import { setSource, source } from "../source";
import { opened, openTrace } from "../trace";

let liveBusy = false;
async function refreshLive(): Promise<void> {
  if (liveBusy) return;
  liveBusy = true;
  try {
    const size = (id: string | null): string | undefined => {
      const t = id ? listed(id) : undefined;
      return t ? `${t.span_count}/${t.log_count}` : undefined;
    };
    const before = size(opened.id);
    await loadSummary();
    const after = size(opened.id);
    // An open trace grows as its spans and log records arrive.
    if (opened.id && before !== undefined && after !== before) await openTrace(opened.id, undefined, true);
  } finally {
    liveBusy = false;
  }
}

function writeThroughText(s: LiveStatus): string {
  const ch = s.clickhouse;
  if (!ch) return "";
  return (
    `${ch.written_spans} spans and ${ch.written_agent_rows} agent rows written to ${ch.target}` +
    (ch.written_logs ? `, ${ch.written_logs} log records to its otel_logs` : "") +
    `; ${ch.spooled_batches} batches spooled` +
    (ch.dropped_spans || ch.dropped_agent_rows
      ? `; ${ch.dropped_spans} spans and ${ch.dropped_agent_rows} agent rows dropped`
      : "") +
    (ch.dropped_logs ? `; ${ch.dropped_logs} log records dropped` : "") +
    (ch.unreadable_files ? `; ${ch.unreadable_files} damaged spool files dropped` : "") +
    (ch.last_error ? `; ${ch.last_error}` : "")
  );
}

function showLive(s: LiveStatus): void {
  const b = $<HTMLButtonElement>("#live");
  b.hidden = !s.listening.length && !s.error;
  const dropped = s.dropped_spans ? `, ${s.dropped_spans} old spans dropped` : "";
  const written = s.clickhouse ? ` · ${s.clickhouse.written_spans} → ClickHouse` : "";
  b.textContent =
    (s.active ? `Live · ${count(s.spans, "span")}${dropped}` : `Live · ${count(s.parked_spans, "new span")}`) + written;
  $<HTMLElement>("#ch-write-label").hidden = !s.listening.length;
  $<HTMLInputElement>("#ch-write").checked = !!s.clickhouse;
  $<HTMLElement>("#ch-write-status").textContent = writeThroughText(s);
  b.title = s.error ? `live receiver off: ${s.error}` : `receiving at ${s.listening.join(", ")}`;
  b.setAttribute("aria-pressed", String(s.active));
  document.body.dataset.live = s.active ? "on" : "off";
}

export async function initLive(): Promise<void> {
  $<HTMLInputElement>("#ch-write").addEventListener("change", (e) => {
    const on = (e.target as HTMLInputElement).checked;
    void opener
      .liveWriteThrough(on)
      .then(showLive)
      .catch((err: unknown) => {
        $<HTMLInputElement>("#ch-write").checked = false;
        $<HTMLElement>("#ch-write-status").textContent = errorText(err);
      });
  });
  await opener.onLive((s) => {
    showLive(s);
    if (s.active && source().kind !== "stored") void refreshLive();
  });
  $<HTMLButtonElement>("#live").addEventListener("click", () => {
    void opener.liveShow().then((s) => {
      setSource({ kind: "live" });
      opened.id = null;
      showLive(s);
      void loadSummary();
    });
  });
  showLive(await opener.liveStatus());
}

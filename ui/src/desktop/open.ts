// Opening files (desktop app): the dialog, the sample, recent files, the
// reading progress and cancel.

import { api, type LoadStatus, opener } from "../api";
import { $, count, fail, say } from "../dom";
import { loadSummary } from "../list";
import { setSource } from "../source";
import { openTrace, opened } from "../trace";

async function refreshRecent(): Promise<void> {
  const sel = $<HTMLSelectElement>("#recent");
  const list = await opener.recentFiles();
  sel.replaceChildren(new Option(list.length ? "Recent" : "No recent files", ""));
  for (const p of list) sel.append(new Option(p, p));
}

function showProgress(s: LoadStatus): void {
  $<HTMLDivElement>("#progress").hidden = !s.loading;
  const frac = s.bytes_total > 0 ? Math.min(1, s.bytes_read / s.bytes_total) : 0;
  $<HTMLProgressElement>("#progress-bar").value = frac;
  $<HTMLSpanElement>("#progress-text").textContent =
    `Reading ${s.names.join(", ")} — ${(s.bytes_read / 1e6).toFixed(1)} of ${(s.bytes_total / 1e6).toFixed(1)} MB`;
}

/** Opens the trace and span the command line named, once the files are
 * read (the files may be read before the page listens, or after). */
export async function openStartAt(): Promise<void> {
  if ((await opener.status()).loading) return;
  const at = await opener.startAt();
  if (!at) return;
  if (at.span) {
    const d = await api.span(at.trace, at.span);
    await openTrace(d.trace_id, d.node);
  } else {
    const t = await api.summary();
    const hit = t.traces.find((x) => x.trace_id.startsWith(at.trace.toLowerCase()));
    if (!hit) throw new Error(`no trace ${at.trace} in the files opened`);
    await openTrace(hit.trace_id);
  }
}

export async function initOpen(): Promise<void> {
  $<HTMLButtonElement>("#open").addEventListener("click", () => void opener.dialog());
  $<HTMLButtonElement>("#sample").addEventListener("click", () => void opener.sample());
  $<HTMLButtonElement>("#cancel").addEventListener("click", () => void opener.cancel());
  $<HTMLSelectElement>("#recent").addEventListener("change", (e) => {
    const p = (e.target as HTMLSelectElement).value;
    if (p) void opener.recent(p).catch(fail);
  });
  await opener.onProgress(showProgress);
  await opener.onFinished((s) => {
    showProgress(s);
    if (s.cancelled) {
      say("opening cancelled; the traces shown before stay open");
      return;
    }
    opened.id = null;
    setSource({ kind: "files" });
    void loadSummary()
      .then(async () => {
        if (s.errors.length) say(`${count(s.traces, "trace")}; ${s.errors.join("; ")}`);
        await openStartAt();
      })
      .catch(fail);
    void refreshRecent();
  });
  void refreshRecent();
  const s = await opener.status();
  if (s.loading) showProgress(s);
}

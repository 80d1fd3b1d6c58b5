// End-to-end journeys of the web UI in Debian's Chromium against a real
// `tracelens serve` (no mocks): the API, the binary columns, the canvas and
// the DOM all run for real. Screenshots of each view go to ui/test-results/.
//
// Usage: node tests/e2e.mjs [path/to/tracelens]   (from ui/, after `npm run build`)
// Every wait is bounded; any page error, console error, dialog or
// `window.__pwned` fails the run.

import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const bin = resolve(process.argv[2] ?? join(root, "target/release/tracelens"));
const shots = join(root, "ui/test-results");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const WAIT = 15_000;

mkdirSync(shots, { recursive: true });

/** Starts `tracelens serve` on a random port and resolves with its URL. */
/** Records the test writes on the hostile fixture's trace, after the hostile one. */
const BULK_LOGS = 50_000;

/** Log lines of hostile markup on the hostile fixture's trace, then many plain ones, written by the test. */
function hostileLogs() {
  const dir = mkdtempSync(join(tmpdir(), "tracelens-e2e-"));
  const file = join(dir, "hostile.log");
  const line = (o) => `${JSON.stringify(o)}\n`;
  writeFileSync(
    file,
    line({
      time: "2026-11-02T09:00:00Z",
      level: "ERROR",
      msg: "<img src=x onerror=\"window.__pwned='log'\">",
      trace_id: "0badc0de0badc0de0badc0de0badc0de",
      span_id: "00000000000000a1",
      note: "<script>window.__pwned='log-attr'</script>",
    }) +
      Array.from({ length: BULK_LOGS }, (_, i) =>
        line({
          time: `2026-11-02T09:00:01.${String(i % 1000).padStart(3, "0")}Z`,
          level: "info",
          msg: `bulk record ${i}`,
          seq: i,
          trace_id: "0badc0de0badc0de0badc0de0badc0de",
        }),
      ).join(""),
  );
  return file;
}

function startServer(
  files = [
    join(root, "examples/agent-runs.jsonl"),
    join(root, "examples/agent-logs.jsonl"),
    join(root, "tests/fixtures/hostile-markup.json"),
    hostileLogs(),
  ],
) {
  const proc = spawn(bin, ["serve", "--ui", join(root, "ui/dist"), ...files], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("tracelens serve printed no URL within 30 s")), 30_000);
    let out = "";
    proc.stdout.on("data", (b) => {
      out += b.toString();
      const m = out.match(/at (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        ok({ proc, url: m[1] });
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`tracelens serve exited with ${code}`));
    });
  });
}

const results = [];
let page = null;
async function journey(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${e instanceof Error ? e.stack : e}`);
    const file = join(shots, `failed-${name.replace(/\W+/g, "-")}.png`);
    await page?.screenshot({ path: file }).catch(() => {});
    console.log(`     status: ${await page?.textContent("#status").catch(() => "?")}; screenshot ${file}`);
  }
}

function expect(cond, msg) {
  if (!cond) throw new Error(msg);
}

const logFiles = [join(root, "examples/agent-runs.jsonl"), join(root, "examples/agent-logs.jsonl")];
const { proc, url } = await startServer();
// Playwright gives every launch a fresh, empty profile of its own.
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  timeout: 60_000,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const failures = [];
let expectedBadRequests = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: "light" });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on("dialog", (d) => {
    failures.push(`dialog opened: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  page.on("pageerror", (e) => failures.push(`page error: ${e.message}`));
  // The one refused request is the token check below.
  page.on("console", (m) => {
    if (m.type() !== "error" || m.text().includes("401")) return;
    // A journey that sends a bad question on purpose says so first.
    if (expectedBadRequests > 0 && m.text().includes("400")) {
      expectedBadRequests--;
      return;
    }
    failures.push(`console error: ${m.text()}`);
  });

  await journey("the trace list shows every trace", async () => {
    const resp = await page.goto(url);
    expect(resp?.ok(), `GET / answered ${resp?.status()}`);
    const csp = resp?.headers()["content-security-policy"] ?? "";
    expect(csp.includes("script-src 'self'"), `weak CSP: ${csp}`);
    await page.waitForFunction(() => document.querySelectorAll("#traces tbody tr").length === 9);
    const names = await page.locator("#traces tbody tr td:first-child").allTextContents();
    expect(names.filter((n) => n === "invoke_agent supervisor").length === 8, `rows: ${names.join(" | ")}`);
    await page.waitForSelector("#waterfall[data-trace]");
    await page.screenshot({ path: join(shots, "list-and-waterfall.png") });
    // The token was read, then taken out of the address bar (and history).
    const search = await page.evaluate(() => location.search);
    expect(!search.includes("token"), `the token stays in the address bar: ${search}`);
  });

  await journey("filtering the list by text and by state", async () => {
    await page.fill("#filter", "failed");
    const n = await page.locator("#traces tbody tr").count();
    expect(n >= 1 && n < 9, `filter 'failed' left ${n} rows`);
    await page.fill("#filter", "");
    await page.waitForFunction(() => document.querySelectorAll("#traces tbody tr").length === 9);
  });

  await journey("selecting a span shows its details", async () => {
    const row = page.locator("#traces tbody tr", { hasText: "invoke_agent supervisor" }).first();
    const id = await row.getAttribute("data-trace-id");
    await row.click();
    await page.waitForSelector(`#waterfall[data-trace="${id}"]`);
    // Second row of the waterfall: below the 22 px axis, 20 px per row.
    await page.click("#waterfall", { position: { x: 500, y: 22 + 20 * 1 + 10 } });
    await page.waitForFunction(() => (document.querySelector("#detail h2")?.textContent ?? "").length > 0);
    const before = await page.textContent("#detail h2");
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction((b) => document.querySelector("#detail h2")?.textContent !== b, before);
    const text = await page.textContent("#detail");
    expect(text?.includes("self time") && text.includes("duration"), "details lack timing");
    // Lifecycle events are drawn on their rows; hovering one names it.
    await page.waitForFunction(() => Number(document.querySelector("#waterfall")?.dataset.markers ?? 0) > 0);
    const at = await page.evaluate(() => {
      const { model, waterfall } = window.tracelens;
      const mk = model.markers;
      for (let p = 0; p < 20; p++) {
        const row = waterfall.visible[waterfall.scrollRow + p];
        for (let j = mk.start[row]; j < mk.start[row + 1]; j++) {
          const i = mk.order[j];
          if (mk.kind[i] !== 1) continue;
          const w = waterfall.canvas.clientWidth - 300 - 8;
          return {
            x: 300 + ((mk.offset[i] - model.t0) / (model.t1 - model.t0)) * w,
            y: 22 + p * 20 + 10,
            name: mk.names[mk.name[i]],
          };
        }
      }
      return null;
    });
    expect(at, "no lifecycle marker in the first rows");
    await page.mouse.move(0, 0);
    await page.hover("#waterfall", { position: { x: Math.round(at.x), y: at.y } });
    await page.waitForFunction((n) => (document.querySelector("#waterfall")?.title ?? "").includes(n), at.name);
    await page.screenshot({ path: join(shots, "span-details.png") });
    // A short bar with lifecycle events keeps its class colour at its centre:
    // the markers keep to the bands above and below it.
    const bars = await page.evaluate(() => {
      const { model, waterfall } = window.tracelens;
      const c = model.cols;
      const mk = model.markers;
      const cv = waterfall.canvas;
      const g = cv.getContext("2d");
      const dpr = window.devicePixelRatio || 1;
      const css = getComputedStyle(document.documentElement);
      const names = ["agent", "llm", "tool", "other"];
      const hex = (v) => {
        const m = v.trim().match(/^#(..)(..)(..)$/);
        return m ? m.slice(1).map((h) => Number.parseInt(h, 16)) : null;
      };
      const w = cv.clientWidth - 300 - 8;
      const out = [];
      for (let p = 0; p < 30; p++) {
        const row = waterfall.visible[waterfall.scrollRow + p];
        if (row === undefined || row === model.selected) continue;
        if (mk.start[row + 1] - mk.start[row] === 0 || c.flags[row] & 3 || c.state[row] > 1) continue;
        const x0 = 300 + ((c.offset[row] - model.t0) / (model.t1 - model.t0)) * w;
        const x1 = 300 + ((c.offset[row] + c.duration[row] - model.t0) / (model.t1 - model.t0)) * w;
        if (x1 - x0 > 20 || x1 - x0 < 3) continue;
        const y = 22 + p * 20 + 10;
        const px = g.getImageData(Math.round(((x0 + x1) / 2) * dpr), Math.round(y * dpr), 1, 1).data;
        out.push({
          name: c.strings[c.name[row]],
          got: [px[0], px[1], px[2]],
          want: hex(css.getPropertyValue(`--${names[c.cls[row]]}`)),
        });
      }
      return out;
    });
    expect(bars.length > 0, "no short bar with markers on screen to check");
    for (const b of bars) {
      const off = b.want ? Math.max(...b.got.map((v, i) => Math.abs(v - b.want[i]))) : 255;
      expect(off <= 8, `${b.name}: its bar's centre is rgb(${b.got}) not its class colour rgb(${b.want})`);
    }
  });

  await journey("the overview reports across runs; an example opens its trace at the span", async () => {
    const served = [...logFiles, join(root, "tests/fixtures/hostile-markup.json")];
    const report = (...args) =>
      JSON.parse(execFileSync(bin, ["report", ...served, "--json", "--limit", "200", ...args]).toString());
    const want = report();
    await page.click("#tab-overview");
    await page.waitForFunction(
      (n) => document.querySelector("#overview")?.dataset.groups === String(n),
      want.groups.length,
    );
    expect(await page.isHidden("#traces"), "the trace list stays beside the overview");
    const keys = await page.$$eval("#ov-groups tbody td.ov-key", (tds) => tds.map((t) => t.textContent));
    const wantKeys = want.groups.map((g) => g.key);
    expect(JSON.stringify(keys) === JSON.stringify(wantKeys), `groups ${keys}, the CLI's ${wantKeys}`);
    const models = await page.$$eval("#ov-models tbody tr", (rows) => rows.length);
    expect(models === want.models.length, `${models} model rows, the CLI ${want.models.length}`);
    const bars = Number(await page.getAttribute("#ov-chart", "data-rows"));
    expect(bars === Math.min(12, want.groups.length), `${bars} bars drawn`);
    const modelBars = Number(await page.getAttribute("#ov-models-chart", "data-rows"));
    expect(modelBars === Math.min(12, want.models.length), `${modelBars} model bars drawn`);
    // Health: a row per agent, the dead listed, as the CLI says.
    const health = JSON.parse(execFileSync(bin, ["health", ...served, "--json"]).toString());
    const agents = Number(await page.getAttribute("#ov-health", "data-agents"));
    expect(agents === health.agents.length, `${agents} health rows, the CLI ${health.agents.length}`);
    // Duration over time: a point per agent and bucket with runs, as the CLI's series.
    const points = Number(await page.getAttribute("#ov-latency", "data-points"));
    const wantPoints = health.agents.reduce((n, a) => n + a.runs.filter((r) => r > 0).length, 0);
    expect(points === wantPoints && points > 0, `${points} latency points drawn, the CLI's series has ${wantPoints}`);
    expect(
      health.agents.every((a) => a.p50_ns.length === health.buckets && a.p50_ns.every((v, b) => v <= a.p95_ns[b])),
      "p50 above p95 in the CLI's series",
    );
    const dead = await page.$$eval("#ov-dead tbody tr", (rows) => rows.length);
    expect(dead === health.dead.length && dead > 0, `${dead} dead agents listed, the CLI ${health.dead.length}`);
    // Sessions: each with its runs; a run opens.
    const sessions = JSON.parse(execFileSync(bin, ["sessions", ...served, "--json"]).toString());
    const shownSessions = await page.$$eval("#ov-sessions tbody tr", (rows) => rows.length);
    expect(
      shownSessions === Math.min(100, sessions.sessions.length) && shownSessions > 0,
      `${shownSessions} sessions, the CLI ${sessions.sessions.length}`,
    );
    const firstRun = sessions.sessions[0].runs[0].trace_id;
    await page.locator(`#ov-sessions .ov-example[data-trace="${firstRun}"]`).first().click();
    await page.waitForSelector(`#waterfall[data-trace="${firstRun}"]`);
    // A failed run's example opens at the span that failed.
    const g = want.groups.find((x) => x.failed !== null);
    expect(g, "a group with a failed run");
    await page.locator(`#ov-groups .ov-example[data-span="${g.failed.span_id}"]`).first().click();
    await page.waitForSelector(`#waterfall[data-trace="${g.failed.trace_id}"]`);
    const span = JSON.parse(
      execFileSync(bin, [
        "span",
        ...served,
        "--trace",
        g.failed.trace_id,
        "--span",
        g.failed.span_id,
        "--json",
      ]).toString(),
    );
    await page.waitForFunction((node) => {
      const { model } = window.tracelens;
      return model.cols?.node[model.selected] === node;
    }, span.node);
    // Another grouping is asked of the service, not computed here.
    const ops = report("--group-by", "operation");
    await page.selectOption("#ov-group", "operation");
    await page.waitForFunction(
      (first) => document.querySelector("#ov-groups tbody td.ov-key")?.textContent === first,
      ops.groups[0].key,
    );
    // The list's filters narrow the Overview to the runs the list shows.
    await page.fill("#filter", "dead");
    await page.waitForFunction(() => {
      const listed = document.querySelectorAll("#traces tbody tr").length;
      return document.querySelector("#ov-summary")?.getAttribute("data-traces") === String(listed) && listed > 0;
    });
    await page.fill("#filter", "");
    await page.waitForFunction(
      (n) => document.querySelector("#ov-summary")?.getAttribute("data-traces") === String(n),
      want.traces,
    );
    await page.screenshot({ path: join(shots, "overview.png") });
    await page.keyboard.press("Escape");
    await page.keyboard.press("o");
    await page.waitForFunction(() => !document.querySelector("#traces")?.hidden);
    expect(await page.isHidden("#overview"), "o goes back to the trace list");
  });

  await journey("the calls table lists every LLM call across runs, sorted by the service; a row opens it", async () => {
    const served = [...logFiles, join(root, "tests/fixtures/hostile-markup.json")];
    const calls = (...args) => JSON.parse(execFileSync(bin, ["calls", ...served, "--json", ...args]).toString());
    const want = calls("--sort", "ttft");
    await page.click("#tab-calls");
    await page.selectOption("#calls-sort", "ttft");
    await page.waitForFunction((n) => document.querySelector("#calls")?.dataset.matched === String(n), want.matched);
    await page.waitForFunction(
      (name) => document.querySelector("#calls-list .call-row")?.querySelector(".call-name")?.textContent === name,
      want.rows[0].name,
    );
    const rows = await page.evaluate(() => document.querySelectorAll("#calls-list .call-row").length);
    expect(rows > 0 && rows < 80, `${rows} rows in the DOM for ${want.matched} calls`);
    // Failed tool calls only: the service filters.
    await page.selectOption("#calls-class", "tool");
    await page.check("#calls-errors");
    const failed = calls("--class", "tool", "--errors");
    await page.waitForFunction((n) => document.querySelector("#calls")?.dataset.matched === String(n), failed.matched);
    const first = failed.rows[0];
    await page.locator("#calls-list .call-row").first().click();
    await page.waitForSelector(`#waterfall[data-trace="${first.trace_id}"]`);
    await page.waitForFunction((node) => {
      const { model } = window.tracelens;
      return model.cols?.node[model.selected] === node;
    }, first.node);
    await page.screenshot({ path: join(shots, "calls.png") });
    await page.uncheck("#calls-errors");
    // One agent's tool calls of at least 500 ms, as the CLI filters them.
    const narrowed = calls("--class", "tool", "--agent", "researcher", "--min-duration", "500ms");
    await page.fill("#calls-agent", "researcher");
    await page.fill("#calls-min", "500ms");
    await page.waitForFunction(
      (n) => document.querySelector("#calls")?.dataset.matched === String(n),
      narrowed.matched,
    );
    await page.fill("#calls-agent", "");
    await page.fill("#calls-min", "");
    await page.selectOption("#calls-class", "llm");
    await page.keyboard.press("Escape");
    await page.keyboard.press("c");
    await page.waitForFunction(() => !document.querySelector("#traces")?.hidden);
  });

  await journey("the logs panel lists the trace's records and follows the selection", async () => {
    // The run whose tool failed: its records include the failure.
    const row = page.locator("#traces tbody tr", { hasText: "invoke_agent supervisor" }).first();
    const id = await row.getAttribute("data-trace-id");
    await row.click();
    await page.waitForSelector(`#waterfall[data-trace="${id}"]`);
    await page.locator("#waterfall").focus();
    await page.keyboard.press("l");
    await page.waitForFunction(() => Number(document.querySelector("#logs")?.dataset.matched || 0) > 0);
    const matched = Number(await page.getAttribute("#logs", "data-matched"));
    const want = JSON.parse(execFileSync(bin, ["logs", ...logFiles, "--trace", id, "--json"]).toString());
    expect(matched === want.matched, `the panel lists ${matched} records, the CLI ${want.matched}`);
    const first = await page.textContent("#log-list .log-row");
    expect(first?.includes(want.records[0].body), `first row ${first}, want ${want.records[0].body}`);
    // Clicking a record selects its span; the span's records then come first.
    const target = want.records.find((r) => r.node !== null && r.node !== 0) ?? want.records[0];
    await page.locator("#log-list .log-row", { hasText: target.body }).first().click();
    await page.waitForFunction(
      (name) => (document.querySelector("#log-span h3")?.textContent ?? "").startsWith(name),
      target.span_name,
    );
    const sel = await page.evaluate(() => {
      const { model } = window.tracelens;
      return model.cols.node[model.selected];
    });
    expect(sel === target.node, `selected node ${sel}, the record's ${target.node}`);
    // Level and text filters narrow the list (the server filters).
    await page.selectOption("#log-level", "warn");
    const warn = want.records.filter((r) => ["warn", "error", "fatal"].includes(r.level)).length;
    await page.waitForFunction((n) => document.querySelector("#logs")?.dataset.matched === String(n), warn);
    await page.selectOption("#log-level", "");
    await page.fill("#log-text", "LLM call");
    const llm = want.records.filter((r) => r.body.includes("LLM call")).length;
    await page.waitForFunction((n) => document.querySelector("#logs")?.dataset.matched === String(n), llm);
    await page.fill("#log-text", "");
    await page.waitForFunction((n) => document.querySelector("#logs")?.dataset.matched === String(n), matched);
    // Records are drawn on their rows: the markers include them.
    const kinds = await page.evaluate(() => [...window.tracelens.model.markers.kind].filter((k) => k >= 2).length);
    expect(kinds === matched, `${kinds} record markers for ${matched} records`);
    await page.screenshot({ path: join(shots, "logs-panel.png") });
    // Escape leaves the filter for the trace view; d goes back to the details.
    await page.keyboard.press("Escape");
    await page.keyboard.press("d");
    expect(await page.isHidden("#logs"), "the logs tab stays open after d");
    // An LLM call's details list its records, its logged prompt and answer
    // as a conversation.
    await page.evaluate(() => {
      const { model } = window.tracelens;
      const c = model.cols;
      for (let r = 0; r < c.rows; r++) {
        if (c.strings[c.name[r]].startsWith("chat ")) return model.select(r);
      }
    });
    await page.waitForSelector("#conversation .turn");
    const roles = await page.locator("#conversation .role").allTextContents();
    expect(roles.join(",") === "user,assistant", `conversation roles: ${roles.join(",")}`);
    const own = await page.textContent("#span-logs h3");
    expect(own?.startsWith("Log records: 3"), `the LLM call's records: ${own}`);
  });

  await journey("a correlation id finds every trace carrying it", async () => {
    // Walk down to a span that carries a correlation id, then follow it.
    const link = page.locator("#detail dl a").first();
    for (let i = 0; i < 30 && (await link.count()) === 0; i++) {
      await page.keyboard.press("ArrowDown");
      await page.waitForTimeout(50);
    }
    expect((await link.count()) > 0, "no span with a correlation id in the first 30 rows");
    await link.click();
    await page.waitForFunction(() => /traces? carr(y|ies) /.test(document.querySelector("#status")?.textContent ?? ""));
    const n = await page.locator("#traces tbody tr").count();
    expect(n >= 1 && n < 9, `correlation search left ${n} rows`);
    await page.fill("#corr", "");
    await page.dispatchEvent("#corr", "change");
    await page.waitForFunction(() => document.querySelectorAll("#traces tbody tr").length === 9);
  });

  await journey("sorting by duration and a minimum duration", async () => {
    await page.click("#traces th[data-sort=duration_ns]");
    const durs = await page.locator("#traces tbody tr td:nth-child(4)").allTextContents();
    // The list writes 250.00ms, 59.95s, 1m03s, 5h07m.
    const unit = { ns: 1, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
    const ns = durs.map((d) =>
      [...d.matchAll(/(\d+(?:\.\d+)?)(ns|µs|ms|h|m|s)/g)].reduce((t, m) => t + Number(m[1]) * unit[m[2]], 0),
    );
    expect(
      ns.every((v, i) => i === 0 || ns[i - 1] >= v),
      `not sorted by duration, longest first: ${durs.join(" ")}`,
    );
    await page.fill("#min-dur", "40s");
    const left = await page.locator("#traces tbody tr td:nth-child(4)").allTextContents();
    expect(left.length === 4, `min 40s left ${left.join(" ")}`);
    await page.fill("#min-dur", "");
    await page.waitForFunction(() => document.querySelectorAll("#traces tbody tr").length === 9);
  });

  await journey("the list: sort arrows, no-match, bad durations, the open trace follows, panes resize", async () => {
    expect(
      (await page.getAttribute("#traces th[data-sort=duration_ns]", "aria-sort")) === "descending",
      "the sorted column shows no direction",
    );
    // An id prefix column to scan by.
    const first = page.locator("#traces tbody tr").first();
    const fid = await first.getAttribute("data-trace-id");
    expect((await first.locator("td.trace-id").textContent()) === fid.slice(0, 8), "no trace id column");
    // And the ids the run is known by, as the CLI's summary has them; the filter finds them.
    const summary = JSON.parse(execFileSync(bin, ["summary", ...logFiles, "--json", "--trace", fid]).toString());
    const ids = summary.traces[0].ids.map(([, v]) => v);
    expect(ids.length > 0, "the sample's root carries no ids");
    expect((await first.locator("td.ids").textContent()) === ids.join(" · "), "the ids column differs from the CLI");
    await page.fill("#filter", ids[ids.length - 1]);
    await page.waitForFunction(() => document.querySelectorAll("#traces tbody tr").length === 1);
    expect(
      (await page.getAttribute("#traces tbody tr", "data-trace-id")) === fid,
      "filtering by an id found another run",
    );
    await page.fill("#filter", "");
    await page.waitForFunction(() => document.querySelectorAll("#traces tbody tr").length === 9);
    // A filter that matches nothing says so, and can be cleared from there.
    await page.fill("#filter", "no-trace-is-called-this");
    await page.waitForSelector("#no-match:not([hidden])");
    await page.click("#clear-filters");
    await page.waitForFunction(() => document.querySelectorAll("#traces tbody tr").length === 9);
    // A minimum duration that is none is said by the field.
    await page.fill("#min-dur", "abc");
    await page.waitForSelector("#min-dur.bad");
    expect(/not a duration/.test((await page.textContent("#list-note")) ?? ""), "a bad duration is not explained");
    await page.fill("#min-dur", "");
    // Narrowing the list away from the open trace opens one that is in it.
    await page.locator("#traces tbody tr", { hasText: "invoke_agent supervisor" }).first().click();
    const open = await page.getAttribute("#waterfall", "data-trace");
    await page.fill("#filter", "timeout");
    await page.waitForFunction(() => document.querySelectorAll("#traces tbody tr").length === 1);
    const kept = await page.getAttribute("#traces tbody tr", "data-trace-id");
    if (kept !== open) await page.waitForSelector(`#waterfall[data-trace="${kept}"]`);
    await page.fill("#filter", "");
    await page.waitForFunction(() => document.querySelectorAll("#traces tbody tr").length === 9);
    // The correlation search's count stays beside the filters when a trace opens.
    await page.fill("#corr", "u-1042");
    await page.press("#corr", "Enter");
    await page.waitForFunction(() =>
      /carr(y|ies) u-1042/.test(document.querySelector("#list-note")?.textContent ?? ""),
    );
    const note = await page.textContent("#list-note");
    await page.locator("#traces tbody tr").last().click();
    await page.waitForFunction(() => /drawn/.test(document.querySelector("#status")?.textContent ?? ""));
    expect((await page.textContent("#list-note")) === note, "opening a trace took the search's count away");
    await page.fill("#corr", "");
    await page.press("#corr", "Enter");
    await page.waitForFunction(() => document.querySelectorAll("#traces tbody tr").length === 9);
    // The border between the list and the trace drags.
    const h0 = await page.evaluate(() => document.querySelector("#list-pane").offsetHeight);
    const b = await page.locator("#split-rows").boundingBox();
    await page.mouse.move(b.x + 200, b.y + 3);
    await page.mouse.down();
    await page.mouse.move(b.x + 200, b.y + 83, { steps: 4 });
    await page.mouse.up();
    const h1 = await page.evaluate(() => document.querySelector("#list-pane").offsetHeight);
    expect(Math.abs(h1 - h0 - 80) <= 4, `the list went from ${h0} to ${h1} px, not 80 px taller`);
    await page.screenshot({ path: join(shots, "list-resized.png") });
    await page.dblclick("#split-rows");
    await page.waitForFunction((h) => document.querySelector("#list-pane").offsetHeight === h, h0);
  });

  await journey("search inside a trace: count, next, highlighted rows", async () => {
    const row = page.locator("#traces tbody tr", { hasText: "invoke_agent supervisor" }).first();
    const id = await row.getAttribute("data-trace-id");
    await row.click();
    await page.waitForSelector(`#waterfall[data-trace="${id}"]`);
    await page.keyboard.press("Control+f");
    expect(
      (await page.evaluate(() => document.activeElement?.id)) === "find",
      "Ctrl+F does not focus the trace search",
    );
    await page.keyboard.type("execute_tool");
    await page.waitForFunction(() => /matches/.test(document.querySelector("#find-count")?.textContent ?? ""));
    const count = Number.parseInt((await page.textContent("#find-count")) ?? "0", 10);
    expect(count >= 3, `only ${count} matches for execute_tool`);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() =>
      (document.querySelector("#detail h2")?.textContent ?? "").startsWith("execute_tool"),
    );
    expect((await page.textContent("#find-count"))?.startsWith(`1 / ${count}`), "the count does not say 1 / n");
    await page.keyboard.press("Enter");
    await page.waitForFunction((n) => document.querySelector("#find-count")?.textContent === `2 / ${n}`, count);
    await page.screenshot({ path: join(shots, "search-in-trace.png") });
    // Escape clears a search field: the highlights go with it.
    await page.keyboard.press("Escape");
    if ((await page.inputValue("#find")) === "") {
      await page.waitForFunction(
        () =>
          window.tracelens.model.matchRows.length === 0 && document.querySelector("#find-count")?.textContent === "",
      );
    }
    // A term the service cannot read is said by the field, not a silent "no match".
    expectedBadRequests++;
    await page.fill("#find", ">fast");
    await page.waitForSelector("#find-count.bad");
    expect(
      /duration/.test((await page.textContent("#find-count")) ?? ""),
      "an unreadable duration term is not explained",
    );
    // The matches listed: a row of the list selects its span.
    await page.fill("#find", "execute_tool");
    await page.waitForFunction(() => /matches/.test(document.querySelector("#find-count")?.textContent ?? ""));
    await page.click("#find-list-toggle");
    await page.waitForFunction(
      (n) => document.querySelectorAll("#find-rows .match-row").length >= Math.min(n, 3),
      count,
    );
    const second = page.locator("#find-rows .match-row").nth(1);
    const secondRow = Number(await second.getAttribute("data-row"));
    await second.click();
    await page.waitForFunction((r) => window.tracelens.model.selected === r, secondRow);
    expect(
      (await page.textContent("#find-count")) === `2 / ${count}`,
      "a listed match does not become the current one",
    );
    await page.screenshot({ path: join(shots, "search-matches-listed.png") });
    await page.click("#find-list-toggle");
    await page.fill("#find", "");
  });

  await journey("the flame graph is one key away and selects spans", async () => {
    await page.keyboard.press("Escape");
    await page.keyboard.press("f");
    await page.waitForFunction(
      () => document.body.dataset.view === "flame" && !document.querySelector("#flame")?.hidden,
    );
    // The root bar fills the top level: click it.
    await page.click("#flame", { position: { x: 200, y: 22 + 10 } });
    await page.waitForFunction(() => document.querySelector("#detail h2")?.textContent === "invoke_agent supervisor");
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(() => document.querySelector("#detail h2")?.textContent !== "invoke_agent supervisor");
    const drew = await page.evaluate(() => window.tracelens.model.drawTimes.length);
    expect(drew > 0, "the flame graph recorded no draw");
    await page.screenshot({ path: join(shots, "flame-graph.png") });
    // Overlapping siblings (the sample's parallel sub-agents and tools) are
    // stacked: no two spans drawn on one level overlap in time.
    const clash = await page.evaluate(() => {
      const { model, flame } = window.tracelens;
      const c = model.cols;
      const by = new Map();
      for (let i = 0; i < c.rows; i++) {
        const l = flame.level[i];
        if (!by.has(l)) by.set(l, []);
        by.get(l).push([c.offset[i], c.offset[i] + c.duration[i], c.strings[c.name[i]]]);
      }
      let stacked = 0;
      for (const [l, list] of by) {
        list.sort((a, b) => a[0] - b[0]);
        for (let j = 1; j < list.length; j++)
          if (list[j][0] < list[j - 1][1]) return `level ${l}: ${list[j - 1][2]} and ${list[j][2]}`;
        if (l > Math.max(...[...Array(c.rows).keys()].map((i) => c.depth[i]))) stacked++;
      }
      return { stacked, levels: by.size };
    });
    expect(typeof clash === "object", `overlapping spans share a level: ${clash}`);
    await page.keyboard.press("w");
    await page.waitForFunction(() => document.body.dataset.view === "waterfall");
  });

  await journey("the breakdown shows time by class and the bottlenecks", async () => {
    await page.keyboard.press("b");
    await page.waitForSelector("#breakdown ol.bottlenecks li");
    const text = await page.textContent("#breakdown");
    for (const s of ["By class", "By phase", "LLM", "Most self time"])
      expect(text?.includes(s), `breakdown lacks ${s}`);
    expect(
      (await page.textContent("#breakdown h2"))?.startsWith("Trace: "),
      "the breakdown does not start with the whole trace",
    );
    const first = page.locator("#breakdown ol.bottlenecks li button").first();
    const name = await first.textContent();
    await first.click();
    await page.click("#breakdown button[data-scope=subtree]");
    await page.waitForFunction(
      (n) => (document.querySelector("#breakdown h2")?.textContent ?? "") === `Subtree: ${n}`,
      name,
    );
    await page.screenshot({ path: join(shots, "breakdown.png") });
    await page.keyboard.press("d");
    await page.waitForFunction((n) => document.querySelector("#detail h2")?.textContent === n, name);
  });

  await journey("the theme toggles and the canvas follows", async () => {
    await page.keyboard.press("Escape");
    await page.keyboard.press("t");
    expect(
      (await page.evaluate(() => document.documentElement.dataset.theme)) === "light",
      "first toggle is not light",
    );
    await page.keyboard.press("t");
    expect((await page.evaluate(() => document.documentElement.dataset.theme)) === "dark", "second toggle is not dark");
    await page.waitForTimeout(100);
    // The waterfall's background pixel follows the theme.
    const px = await page.evaluate(() => {
      const c = document.querySelector("#waterfall");
      return Array.from(c.getContext("2d").getImageData(2, 2, 1, 1).data.slice(0, 3));
    });
    expect(
      px.every((v) => v < 60),
      `dark canvas background is ${px}`,
    );
    await page.screenshot({ path: join(shots, "dark-theme.png") });
    await page.keyboard.press("t");
  });

  await journey("hostile markup in a trace stays text and runs nothing", async () => {
    const row = page.locator("#traces tbody tr", { hasText: "<img src=x onerror=alert(1)>" });
    expect((await row.count()) === 1, "the hostile trace is not listed with its literal name");
    await row.click();
    await page.waitForSelector(`#waterfall[data-trace="0badc0de0badc0de0badc0de0badc0de"]`);
    await page.click("#waterfall", { position: { x: 500, y: 22 + 10 } });
    await page.waitForFunction(
      () => document.querySelector("#detail h2")?.textContent === "<img src=x onerror=alert(1)>",
    );
    const detail = await page.textContent("#detail");
    for (const s of ["<svg onload=alert(2)>", "<script>window.__pwned='attr'</script>", "javascript:alert(5)"]) {
      expect(detail?.includes(s), `details do not show ${s} as text`);
    }
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(
      () => document.querySelector("#detail h2")?.textContent === "<script>window.__pwned='child'</script>",
    );
    await page.keyboard.press("l");
    await page.waitForFunction(() => (document.querySelector("#log-list")?.textContent ?? "").includes("onerror"));
    const logText = await page.textContent("#logs");
    expect(logText?.includes(`<img src=x onerror="window.__pwned='log'">`), `the log body is not text: ${logText}`);
    await page.keyboard.press("d");
    const injected = await page.evaluate(() => ({
      pwned: window.__pwned ?? null,
      imgs: document.querySelectorAll("img, svg, iframe, script:not([type=module])").length,
    }));
    expect(injected.pwned === null, `script ran: __pwned = ${injected.pwned}`);
    expect(injected.imgs === 0, `${injected.imgs} injected elements in the DOM`);
    await page.screenshot({ path: join(shots, "hostile-markup.png") });
    // Its link leads to the span it names, in another trace.
    await page.click("#detail button.linklike[data-link]");
    await page.waitForSelector('#waterfall[data-trace="3bee2925be4db9d9b09d9ada2c06b7b7"]');
    await page.waitForFunction(() => document.querySelector("#detail h2")?.textContent === "invoke_agent supervisor");
    const span = await page.textContent("#detail dl");
    expect(span?.includes("fc6807a84a62dcfd"), "the link did not select the linked span");
  });

  await journey("a long record list keeps only the rows in view in the DOM", async () => {
    await page.locator("#traces tbody tr", { hasText: "<img src=x onerror=alert(1)>" }).click();
    await page.waitForSelector(`#waterfall[data-trace="0badc0de0badc0de0badc0de0badc0de"]`);
    await page.locator("#waterfall").focus();
    await page.keyboard.press("l");
    await page.waitForFunction((n) => document.querySelector("#logs")?.dataset.matched === String(n), BULK_LOGS + 1);
    const count = () => page.evaluate(() => document.querySelectorAll("#log-list .log-row").length);
    let n = await count();
    expect(n > 0 && n < 80, `${n} record rows in the DOM for ${BULK_LOGS + 1} records`);
    // Scrolled to the end, the last records are fetched and drawn.
    await page.evaluate(() => {
      const l = document.querySelector("#log-list");
      l.scrollTop = l.scrollHeight;
    });
    await page.waitForFunction(
      (last) => (document.querySelector("#log-list")?.textContent ?? "").includes(last),
      `bulk record ${BULK_LOGS - 1}`,
    );
    n = await count();
    expect(n > 0 && n < 80, `${n} record rows in the DOM at the end`);
    const end = await page.evaluate(() => {
      const rows = [...document.querySelectorAll("#log-list .log-row")];
      const last = rows[rows.length - 1];
      return { pos: Number(last?.dataset.pos), pages: Number(document.querySelector("#logs")?.dataset.pages) };
    });
    expect(end.pos === BULK_LOGS, `the last row drawn is record ${end.pos} of ${BULK_LOGS + 1}`);
    // Pages far from the view were let go: a bounded number is held.
    expect(end.pages > 0 && end.pages <= 10, `${end.pages} pages of records held`);
    await page.keyboard.press("Escape");
    await page.keyboard.press("d");
  });

  await journey("a failed run's badge opens it at its cause, and the why agrees with the CLI", async () => {
    const id = "3bee2925be4db9d9b09d9ada2c06b7b7";
    const cli = JSON.parse(
      execFileSync(bin, ["why", join(root, "examples/agent-runs.jsonl"), "--trace", id, "--json"]).toString(),
    );
    const steps = cli.traces[0].chains[0].steps;
    const cause = steps[steps.length - 1];
    await page.click(`#traces tbody tr[data-trace-id="${id}"] td.to-cause`);
    await page.waitForSelector(`#waterfall[data-trace="${id}"]`);
    await page.waitForFunction((name) => document.querySelector("#detail h2")?.textContent === name, cause.name);
    const shown = await page.locator("#why li button").allTextContents();
    expect(shown.length === 1 && shown[0] === cause.name, `why from the cause lists ${shown.join(" | ")}`);
    // From the failed supervisor (the root, row 0): the whole chain, as the CLI has it.
    const sup = steps[0];
    await page.evaluate(() => window.tracelens.model.select(0));
    await page.waitForFunction((name) => document.querySelector("#detail h2")?.textContent === name, sup.name);
    await page.waitForFunction((n) => document.querySelectorAll("#why li button").length === n, steps.length);
    const chain = await page.locator("#why li button").allTextContents();
    expect(
      JSON.stringify(chain) === JSON.stringify(steps.map((x) => x.name)),
      `app ${chain.join(" > ")} vs cli ${steps.map((x) => x.name).join(" > ")}`,
    );
    const kinds = await page.locator("#why li .kind").allTextContents();
    expect(JSON.stringify(kinds) === JSON.stringify(steps.map((x) => x.kind)), `kinds ${kinds.join(" > ")}`);
    // Each step is clickable: the cause's button selects the cause.
    await page.click(`#why li button[data-node="${cause.node}"]`);
    await page.waitForFunction((name) => document.querySelector("#detail h2")?.textContent === name, cause.name);
    await page.screenshot({ path: join(shots, "why.png") });
  });

  await journey("e steps through the problems with a count; the parent is a click; Back returns", async () => {
    const id = "3bee2925be4db9d9b09d9ada2c06b7b7";
    const cli = JSON.parse(
      execFileSync(bin, ["why", join(root, "examples/agent-runs.jsonl"), "--trace", id, "--json"]).toString(),
    );
    const problems = cli.traces[0].problems;
    expect(problems.length >= 2, `the sample's failed run has ${problems.length} problems`);
    await page.waitForFunction(
      (n) => document.querySelector("#problem-next")?.textContent === `⚠ ${n}`,
      problems.length,
    );
    // From the root (row 0, itself a problem): the next problems in row order.
    await page.evaluate(() => window.tracelens.model.select(0));
    await page.locator("#waterfall").focus();
    await page.keyboard.press("e");
    await page.waitForFunction(
      (n) => document.querySelector("#problem-next")?.dataset.at === `2/${n}`,
      problems.length,
    );
    await page.waitForFunction((name) => document.querySelector("#detail h2")?.textContent === name, problems[1].name);
    expect(/^problem 2 of \d+/.test((await page.textContent("#status")) ?? ""), "the status does not count problems");
    await page.keyboard.press("Shift+E");
    await page.waitForFunction(
      (n) => document.querySelector("#problem-next")?.dataset.at === `1/${n}`,
      problems.length,
    );
    // Wrapping: previous from the first is the last.
    await page.keyboard.press("Shift+E");
    await page.waitForFunction(
      (name) => document.querySelector("#detail h2")?.textContent === name,
      problems.at(-1).name,
    );
    const before = await page.textContent("#detail h2");
    // The parent id in the details selects the parent; Backspace comes back.
    await page.click("#detail-parent");
    await page.waitForFunction((name) => document.querySelector("#detail h2")?.textContent !== name, before);
    const parentShown = await page.evaluate(() => {
      const c = window.tracelens.model.cols;
      return c.strings[c.name[window.tracelens.model.selected]];
    });
    expect((await page.textContent("#detail h2")) === parentShown, "the parent link selected another span");
    await page.locator("#waterfall").focus();
    await page.keyboard.press("Backspace");
    await page.waitForFunction((name) => document.querySelector("#detail h2")?.textContent === name, before);
  });

  await journey("an exception event shows its type and message; lifecycle events once", async () => {
    const id = "eca2d964043cfa300bd842583099c8ef";
    const span = JSON.parse(
      execFileSync(bin, [
        "span",
        join(root, "examples/agent-runs.jsonl"),
        "--trace",
        id,
        "--span",
        "76c44901ca698be1",
        "--json",
      ]).toString(),
    );
    await page.click(`#traces tbody tr[data-trace-id="${id}"] td:first-child`);
    await page.waitForSelector(`#waterfall[data-trace="${id}"]`);
    await page.evaluate((node) => {
      const { model } = window.tracelens;
      for (let r = 0; r < model.cols.rows; r++) if (model.cols.node[r] === node) return model.select(r);
    }, span.node);
    await page.waitForFunction((name) => document.querySelector("#detail h2")?.textContent === name, span.name);
    const ev = (await page.textContent("#events")) ?? "";
    expect(
      ev.includes("exception.type") && ev.includes("ConnectionError") && ev.includes("upstream returned 503"),
      `events: ${ev}`,
    );
    const detail = (await page.textContent("#detail")) ?? "";
    const times = detail.split("tool_executing").length - 1;
    expect(times === 1, `tool_executing shown ${times} times`);
  });

  await journey("a 10,000-character name stays one line in the list and the details", async () => {
    const name = "n".repeat(10_000);
    const dir = mkdtempSync(join(tmpdir(), "tracelens-e2e-"));
    const file = join(dir, "long-name.json");
    writeFileSync(
      file,
      JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: "10000000000000000000000000000001",
                    spanId: "00000000000000a1",
                    name,
                    startTimeUnixNano: "1700000000000000000",
                    endTimeUnixNano: "1700000001000000000",
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    const other = await startServer([file]);
    const p2 = await page.context().newPage();
    try {
      await p2.goto(other.url);
      await p2.waitForSelector("#traces tbody tr");
      const list = await p2.evaluate(() => {
        const cell = document.querySelector("#traces tbody tr td.name");
        const pane = document.querySelector("#traces")?.parentElement;
        return {
          cell: cell?.getBoundingClientRect().width ?? 0,
          pane: pane?.getBoundingClientRect().width ?? 0,
          title: cell?.getAttribute("title")?.length ?? 0,
        };
      });
      expect(list.cell > 0 && list.cell < list.pane, `the name cell is ${list.cell}px in a ${list.pane}px pane`);
      expect(list.title === 10_000, "the whole name is the cell's title");
      await p2.locator("#traces tbody tr").first().click();
      await p2.waitForSelector("#waterfall[data-trace]");
      await p2.click("#waterfall", { position: { x: 500, y: 22 + 10 } });
      await p2.waitForSelector("#detail h2");
      const h = await p2.evaluate(() => {
        const e = document.querySelector("#detail h2");
        return {
          height: e?.getBoundingClientRect().height ?? 0,
          width: e?.getBoundingClientRect().width ?? 0,
          pane: document.querySelector("#detail")?.getBoundingClientRect().width ?? 0,
        };
      });
      expect(h.height > 0 && h.height < 30, `the heading is ${h.height}px tall`);
      expect(h.width <= h.pane, `the heading is ${h.width}px in a ${h.pane}px pane`);
      await p2.screenshot({ path: join(shots, "long-name.png") });
    } finally {
      await p2.close();
      other.proc.kill("SIGTERM");
    }
  });

  await journey("filters inside a trace hide what does not match, as removable chips", async () => {
    const row = page.locator("#traces tbody tr", { hasText: "invoke_agent supervisor" }).first();
    const id = await row.getAttribute("data-trace-id");
    await row.click();
    await page.waitForSelector(`#waterfall[data-trace="${id}"]`);
    const all = await page.evaluate(() => window.tracelens.waterfall.visible.length);
    await page.fill("#span-filter", "llm");
    await page.press("#span-filter", "Enter");
    await page.waitForFunction(() => Number(document.querySelector("#waterfall")?.dataset.filtered ?? 0) > 0);
    const shown = await page.evaluate(() => {
      const { model, waterfall } = window.tracelens;
      const c = model.cols;
      const rows = [...waterfall.visible];
      // Every row shown is an LLM call (class code 1) or the ancestor of one.
      const bad = rows.filter((r) => c.cls[r] !== 1 && model.filter[r] !== 1);
      return { n: rows.length, bad: bad.length, matched: rows.filter((r) => model.filter[r] === 2).length };
    });
    const matched = Number(await page.getAttribute("#waterfall", "data-filtered"));
    expect(shown.bad === 0, `${shown.bad} rows shown that neither match nor lead to a match`);
    expect(
      shown.matched === matched && shown.n < all,
      `shown ${shown.n} of ${all}, ${shown.matched} matched of ${matched}`,
    );
    // The breakdown follows the filter.
    await page.click("#tab-breakdown");
    await page.waitForFunction(() =>
      (document.querySelector("#breakdown")?.textContent ?? "").includes("Only the spans the filter matches"),
    );
    await page.click("#tab-detail");
    // A second chip narrows further: both must pass.
    await page.fill("#span-filter", ">1h");
    await page.press("#span-filter", "Enter");
    await page.waitForFunction(() => document.querySelector("#filter-count")?.textContent === "no span matches");
    expect((await page.locator("#filter-chips .chip").count()) === 2, "two chips expected");
    await page.screenshot({ path: join(shots, "span-filter.png") });
    // The flame graph follows: a click where hidden bars were selects nothing hidden.
    await page.click("#filter-chips .chip >> nth=1");
    await page.waitForFunction((m) => Number(document.querySelector("#waterfall")?.dataset.filtered) === m, matched);
    // A term the service cannot read says why and is taken back.
    expectedBadRequests++;
    await page.fill("#span-filter", "kind:sideways");
    await page.press("#span-filter", "Enter");
    await page.waitForFunction(() => (document.querySelector("#status")?.textContent ?? "").includes("kinds are"));
    expect((await page.locator("#filter-chips .chip").count()) === 1, "the bad chip stayed");
    await page.click("#filter-chips .chip");
    await page.waitForFunction((n) => window.tracelens.waterfall.visible.length === n, all);
    // Collapse all leaves the roots; expand all brings every row back.
    await page.click("#collapse-all");
    const collapsed = await page.evaluate(() => window.tracelens.waterfall.visible.length);
    expect(collapsed < all, `collapse all left ${collapsed} of ${all} rows`);
    await page.click("#expand-all");
    await page.waitForFunction((n) => window.tracelens.waterfall.visible.length === n, all);
    // Collapsing what is shorter than a threshold hides the quick subtrees only.
    await page.fill("#collapse-under", "1h");
    await page.press("#collapse-under", "Enter");
    const under = await page.evaluate(() => window.tracelens.waterfall.visible.length);
    expect(under < all, `collapse < 1h left ${under} of ${all} rows`);
    await page.click("#expand-all");
    await page.waitForFunction((n) => window.tracelens.waterfall.visible.length === n, all);
  });

  await journey("compare two runs step by step, and against the baseline", async () => {
    const rows = page.locator("#traces tbody tr", { hasText: "invoke_agent supervisor" });
    const a = await rows.nth(0).getAttribute("data-trace-id");
    const b = await rows.nth(1).getAttribute("data-trace-id");
    await rows.nth(0).click();
    await page.waitForSelector(`#waterfall[data-trace="${a}"]`);
    await page.click("#compare-open");
    await page.waitForSelector("#compare[data-rows]");
    await page.selectOption("#compare-with", b);
    await page.waitForFunction(() => /steps:/.test(document.querySelector("#compare-counts")?.textContent ?? ""));
    const got = await page.evaluate(() => ({ ...document.querySelector("#compare").dataset }));
    const api = await page.evaluate(
      async ([x, y, u]) => {
        const token = new URL(u).searchParams.get("token");
        const r = await fetch(`/api/diff?a=${x}&b=${y}`, { headers: { Authorization: `Bearer ${token}` } });
        return r.json();
      },
      [a, b, url],
    );
    expect(Number(got.rows) === api.rows.length, `drew ${got.rows} rows, the service has ${api.rows.length}`);
    expect(Number(got.changed) === api.counts.changed, "the changed count differs from the service's");
    const totals = await page.textContent("#compare-totals");
    expect(totals.includes("self time llm") && totals.includes("Critical paths"), `totals: ${totals}`);
    await page.screenshot({ path: join(shots, "compare.png") });
    // The whole view is one canvas: no DOM row per step.
    expect((await page.locator("#compare-pane tr").count()) < 20, "a DOM row per step");
    // Against the usual shape of the good runs of the same root operation.
    await page.selectOption("#compare-with", "");
    await page.waitForFunction(() => Number(document.querySelector("#compare")?.dataset.sideA ?? 1) > 1);
    await page.click("#compare-close");
    await page.waitForFunction(() => !document.querySelector("#canvas-wrap")?.hidden);
  });

  await journey("the agent graph of a run and of every run; a node marks its spans", async () => {
    const id = await page.getAttribute("#waterfall", "data-trace");
    await page.click("#waterfall");
    await page.keyboard.press("g");
    await page.waitForSelector("#graph[data-nodes]");
    const want = await page.evaluate(
      async ([t, u]) => {
        const token = new URL(u).searchParams.get("token");
        const r = await fetch(`/api/graph?trace=${t}`, { headers: { Authorization: `Bearer ${token}` } });
        return r.json();
      },
      [id, url],
    );
    const got = await page.evaluate(() => ({ ...document.querySelector("#graph").dataset }));
    expect(
      Number(got.nodes) === want.nodes.length && Number(got.edges) === want.edges.length,
      `graph ${JSON.stringify(got)}`,
    );
    await page.screenshot({ path: join(shots, "graph.png") });
    const agent = want.nodes.find((n) => n.kind === "agent" && n.name !== "supervisor") ?? want.nodes[1];
    const at = await page.evaluate((n) => window.tracelens.graphBox(n), agent.name);
    expect(at, `no box for ${agent.name}`);
    await page.click("#graph", { position: { x: Math.round(at.x), y: Math.round(at.y) } });
    await page.waitForFunction(
      (n) => Number(document.querySelector("#graph")?.dataset.marked) === n,
      agent.nodes.length,
    );
    const marked = await page.evaluate(() => window.tracelens.model.matchRows.length);
    expect(marked === agent.calls, `${marked} spans marked, the node has ${agent.calls} calls`);
    await page.check("#graph-all");
    await page.waitForFunction((n) => Number(document.querySelector("#graph")?.dataset.nodes) > n, 0);
    await page.keyboard.press("Escape");
    await page.click("#graph-close").catch(() => {});
    await page.waitForFunction(() => !document.querySelector("#canvas-wrap")?.hidden);
    await page.evaluate(() => window.tracelens.model.setMatches([]));
  });

  await journey("the address keeps the view: a link reopens trace, span, view and filters", async () => {
    const row = page.locator("#traces tbody tr", { hasText: "invoke_agent supervisor" }).nth(2);
    const id = await row.getAttribute("data-trace-id");
    await row.click();
    await page.waitForSelector(`#waterfall[data-trace="${id}"]`);
    await page.click("#waterfall", { position: { x: 500, y: 22 + 20 * 2 + 10 } });
    await page.waitForFunction(() => (document.querySelector("#detail h2")?.textContent ?? "").length > 0);
    const span = await page.textContent("#detail h2");
    await page.fill("#span-filter", "tool");
    await page.press("#span-filter", "Enter");
    await page.waitForFunction(() => Number(document.querySelector("#waterfall")?.dataset.filtered ?? 0) > 0);
    const hash = await page.evaluate(() => location.hash);
    expect(hash.includes(`trace=${id}`) && hash.includes("node=") && hash.includes("filter=tool"), `hash: ${hash}`);
    const p2 = await page.context().newPage();
    try {
      await p2.goto(`${url}${hash}`);
      await p2.waitForSelector(`#waterfall[data-trace="${id}"]`);
      await p2.waitForFunction((s) => document.querySelector("#detail h2")?.textContent === s, span);
      await p2.waitForFunction(() => document.querySelectorAll("#filter-chips .chip").length === 1);
      await p2.waitForFunction(() => Number(document.querySelector("#waterfall")?.dataset.filtered ?? 0) > 0);
    } finally {
      await p2.close();
    }
    await page.click("#filter-chips .chip");
  });

  await journey("a trace and a subtree export as files that read back", async () => {
    const [dl] = await Promise.all([page.waitForEvent("download"), page.selectOption("#export", "digest-md")]);
    const name = dl.suggestedFilename();
    expect(/^trace-[0-9a-f]+\.md$/.test(name), `download named ${name}`);
    const md = await readFile(await dl.path(), "utf8");
    expect(md.startsWith("# ") && md.includes("```text"), `digest: ${md.slice(0, 200)}`);
    const [sub] = await Promise.all([page.waitForEvent("download"), page.selectOption("#export", "sub:otlp-json")]);
    const text = await readFile(await sub.path(), "utf8");
    expect(text.includes('"resourceSpans"'), "the subtree export is no OTLP/JSON");
  });

  await journey("the API refuses a request without the token", async () => {
    const origin = new URL(url).origin;
    const status = await page.evaluate(async (o) => (await fetch(`${o}/api/summary`)).status, origin);
    expect(status === 401, `no-token request answered ${status}`);
  });

  await context.close();
} finally {
  await browser.close().catch(() => {});
  proc.kill("SIGTERM");
}

for (const f of failures) console.log(`FAIL ${f}`);
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed + failures.length;
console.log(`e2e: ${passed} passed, ${failed} failed; screenshots in ${shots}`);
process.exit(failed ? 1 : 0);

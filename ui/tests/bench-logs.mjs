// Logs panel benchmark: one generated trace of 100k spans and N application
// log records on it (JSON Lines as the loggers write them, spread over the
// trace's time, so each is placed by trace id and time), served by
// `tracelens serve`, opened in Debian's Chromium (headless, software
// rendering); the logs panel opened and scrolled. Reports, per size:
//   - open: from the `l` key to the panel's first rows;
//   - frame intervals (requestAnimationFrame deltas) while the list is
//     scrolled by a fixed step every frame, from top to bottom, pages
//     fetched as they come into view: the 60 fps target is about 16.7 ms;
//   - rows in the DOM and pages of records held at the end (bounded);
//   - a jump to the middle: from the scroll to the rows drawn there;
//   - memory: the JS heap and the renderer processes' PSS.
// Writes a Markdown section into docs/benchmarks.md between the
// logs-ui-bench markers (the engine harness keeps it).
//
// Usage: node tests/bench-logs.mjs [--sizes 100000,1000000] [--runs 3] [--out ../docs/benchmarks.md]

import { execFileSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { eachPage, measuredOn, median, oneTrace, pct, writeSection } from "./bench-common.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const sizes = arg("sizes", "100000,1000000")
  .split(",")
  .map(Number)
  .filter((n) => n > 0);
const runs = Number(arg("runs", "3"));
const out = resolve(arg("out", join(root, "docs/benchmarks.md")));
const bin = resolve(arg("bin", join(root, "target/release/tracelens")));
const dataDir = join(root, "target/ui-bench");
mkdirSync(dataDir, { recursive: true });
const SPANS = 100_000;

function spansFile() {
  return oneTrace(bin, dataDir, SPANS);
}

/** N records on the trace, python-json-logger's shape with ids, in time order. */
async function logsFile(n, trace) {
  const f = join(dataDir, `logs-${n}.log`);
  if (existsSync(f)) return f;
  const w = createWriteStream(f);
  const levels = ["INFO", "INFO", "DEBUG", "INFO", "WARNING", "INFO", "ERROR", "INFO"];
  const start = BigInt(trace.start_time_unix_nano);
  const step = BigInt(trace.duration_ns) / BigInt(n + 1);
  for (let i = 0; i < n; i++) {
    const line = JSON.stringify({
      timestamp: String(start + step * BigInt(i + 1)),
      levelname: levels[i % levels.length],
      name: "netra.backend",
      message: `step ${i}: handled tool result for request req-${i % 977}`,
      otelTraceID: trace.trace_id,
      request_id: `req-${i % 977}`,
    });
    if (!w.write(`${line}\n`)) await new Promise((ok) => w.once("drain", ok));
  }
  await new Promise((ok) => w.end(ok));
  return f;
}

async function measure(n) {
  const spans = spansFile();
  const trace = JSON.parse(execFileSync(bin, ["summary", spans, "--json"], { maxBuffer: 1 << 28 }).toString())
    .traces[0];
  const logs = await logsFile(n, trace);
  const res = { n, open: [], frames: [], jump: [], rows: 0, pages: 0, heap: 0, rss: 0, matched: 0 };
  const mem = await eachPage(bin, root, [spans, logs], runs, async (page) => {
    await page.waitForSelector("#waterfall[data-trace]");
    await page.locator("#waterfall").focus();
    const t0 = Date.now();
    await page.keyboard.press("l");
    await page.waitForSelector("#log-list .log-row");
    res.open.push(Date.now() - t0);
    res.matched = Number(await page.getAttribute("#logs", "data-matched"));
    if (res.matched !== n) throw new Error(`the panel lists ${res.matched} records, want ${n}`);
    // Scroll from the top to the bottom in a fixed number of frames,
    // one step per frame, as a fast fling does.
    res.frames.push(
      ...(await page.evaluate(
        () =>
          new Promise((done) => {
            const list = document.querySelector("#log-list");
            const frames = 600;
            const stepPx = (list.scrollHeight - list.clientHeight) / frames;
            const deltas = [];
            let last = 0,
              k = 0;
            const step = (t) => {
              if (last) deltas.push(t - last);
              last = t;
              list.scrollTop = stepPx * k;
              if (++k <= frames) requestAnimationFrame(step);
              else done(deltas);
            };
            requestAnimationFrame(step);
          }),
      )),
    );
    // The fling ends at the last record (a scaled list reaches it too).
    await page.waitForFunction(
      (n) => [...document.querySelectorAll("#log-list .log-row")].some((e) => e.dataset.pos === String(n - 1)),
      n,
    );
    res.rows = Math.max(res.rows, await page.locator("#log-list .log-row").count());
    res.pages = Math.max(res.pages, Number(await page.getAttribute("#logs", "data-pages")));
    // A jump to the middle: until the rows there are drawn.
    res.jump.push(
      await page.evaluate(
        () =>
          new Promise((done) => {
            const list = document.querySelector("#log-list");
            const t = performance.now();
            list.scrollTop = Math.floor((list.scrollHeight - list.clientHeight) / 2);
            const want = Math.floor(Number(document.querySelector("#logs").dataset.matched) / 2);
            const check = () => {
              const rows = [...list.querySelectorAll(".log-row")];
              if (rows.some((e) => Math.abs(Number(e.dataset.pos) - want) < 50)) {
                done(performance.now() - t);
              } else requestAnimationFrame(check);
            };
            requestAnimationFrame(check);
          }),
      ),
    );
  });
  res.heap = mem.heap;
  res.rss = mem.rss;
  return res;
}

const rows = [];
for (const n of sizes) {
  const r = await measure(n);
  rows.push(r);
  const slow = r.frames.filter((d) => d > 20).length;
  console.log(
    `${n} records: open ${median(r.open)} ms; rAF p50 ${pct(r.frames, 50).toFixed(1)} ms p95 ${pct(r.frames, 95).toFixed(1)} ms (${slow} of ${r.frames.length} over 20 ms); jump ${median(r.jump).toFixed(0)} ms; ${r.rows} rows, ${r.pages} pages held; heap ${r.heap.toFixed(0)} MB; renderer PSS ${r.rss.toFixed(0)} MB`,
  );
}

const big = rows.find((r) => r.n === 1_000_000);
const p95 = big ? pct(big.frames, 95) : NaN;
const section = [
  "<!-- logs-ui-bench -->",
  "## Web UI: the logs panel",
  "",
  measuredOn("ui/tests/bench-logs.mjs"),
  `One generated trace of ${SPANS} spans and N application log records on it (python-json-logger's shape, placed by trace id and time), served by \`tracelens serve\`; ${runs} page loads per size. Open: from the \`l\` key to the first rows. rAF interval: frame-to-frame time while the list is scrolled from top to bottom in 600 frames, one step per frame (pages of 500 records fetched as they come into view; the display's 60 Hz, 16.7 ms, is the floor). Jump: from a scroll to the middle to the rows there drawn. Rows and pages: the most DOM rows and record pages held at the end of the scroll. Memory: largest JS heap and renderer PSS.`,
  "",
  "| records | open (median) | rAF p50 | rAF p95 | frames over 20 ms | jump (median) | DOM rows | pages held | JS heap | renderer PSS |",
  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map(
    (r) =>
      `| ${r.n} | ${median(r.open)} ms | ${pct(r.frames, 50).toFixed(1)} ms | ${pct(r.frames, 95).toFixed(1)} ms | ${r.frames.filter((d) => d > 20).length} of ${r.frames.length} | ${median(r.jump).toFixed(0)} ms | ${r.rows} | ${r.pages} | ${r.heap.toFixed(0)} MB | ${r.rss.toFixed(0)} MB |`,
  ),
  "",
  big
    ? `Target (issue 16): the panel scrolls at 60 fps with 1M records loaded: rAF p95 ${p95.toFixed(1)} ms, ${p95 < 17.5 ? "met" : "NOT met"}.`
    : "The target is set at 1M records, which this run did not measure.",
  "<!-- /logs-ui-bench -->",
].join("\n");

writeSection(out, "logs-ui-bench", section);
console.log(`wrote ${out}`);

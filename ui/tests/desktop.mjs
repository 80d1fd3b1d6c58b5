// End-to-end journeys in the real desktop window: the Tauri app under Xvfb,
// driven through tauri-driver and WebKitWebDriver (plain W3C WebDriver over
// fetch; no client library). Screenshots of each view go to ui/test-results/.
//
// Usage: node tests/desktop.mjs [path/to/tracelens-app] [path/to/tracelens]
// Every wait is bounded; tauri-driver is stopped with SIGTERM so that
// WebKitWebDriver does not outlive the test; Xvfb is started when there is
// no display.

import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const app = resolve(process.argv[2] ?? join(root, "target/debug/tracelens-app"));
const shots = join(root, "ui/test-results");
const cli = resolve(process.argv[3] ?? join(root, "target/release/tracelens"));
const PORT = 4444 + Math.floor(Math.random() * 1000);
/** A port free now, picked by the kernel: a random one can be an
 * ephemeral port another connection holds, and the receiver's bind fails. */
function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}
const LIVE_PORT = await freePort();
const WAIT = 20_000;
mkdirSync(shots, { recursive: true });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];
const home = mkdtempSync(join(tmpdir(), "tracelens-desktop-"));

function cleanup() {
  for (const c of children.reverse()) {
    try {
      c.kill("SIGTERM");
    } catch {
      /* gone */
    }
  }
  rmSync(home, { recursive: true, force: true });
}
process.on("exit", cleanup);

/** A display: the one we have, else a fresh Xvfb. */
async function display() {
  if (process.env.DISPLAY) return process.env.DISPLAY;
  for (let n = 90 + Math.floor(Math.random() * 50), tries = 0; tries < 10; n++, tries++) {
    const x = spawn("Xvfb", [`:${n}`, "-screen", "0", "1400x900x24", "-nolisten", "tcp"], { stdio: "ignore" });
    let exited = false;
    x.on("exit", () => {
      exited = true;
    });
    await sleep(700);
    if (!exited) {
      children.push(x);
      return `:${n}`;
    }
  }
  throw new Error("could not start Xvfb");
}

/** A private D-Bus session with gnome-keyring's Secret Service (unlocked), for saved connections' passwords. */
async function keychain() {
  const bus = spawn("dbus-daemon", ["--session", "--nofork", "--print-address=1"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(bus);
  const addr = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("dbus-daemon did not start")), 10_000);
    let buf = "";
    bus.stdout.on("data", (b) => {
      buf += b;
      const i = buf.indexOf("\n");
      if (i >= 0) {
        clearTimeout(timer);
        ok(buf.slice(0, i).trim());
      }
    });
  });
  const run = join(home, "run");
  mkdirSync(run, { recursive: true, mode: 0o700 });
  const kr = spawn("gnome-keyring-daemon", ["--foreground", "--unlock", "--components=secrets"], {
    env: {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: addr,
      XDG_RUNTIME_DIR: run,
      XDG_DATA_HOME: join(home, "data"),
      HOME: home,
    },
    stdio: ["pipe", "ignore", "ignore"],
  });
  children.push(kr);
  kr.stdin.end("tracelens-test");
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync(
        "dbus-send",
        [
          "--session",
          "--print-reply",
          "--dest=org.freedesktop.DBus",
          "/org/freedesktop/DBus",
          "org.freedesktop.DBus.GetNameOwner",
          "string:org.freedesktop.secrets",
        ],
        { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: addr }, stdio: "ignore" },
      );
      return addr;
    } catch {
      await sleep(100);
    }
  }
  throw new Error("the Secret Service did not come up");
}

const env = {
  ...process.env,
  DISPLAY: await display(),
  DBUS_SESSION_BUS_ADDRESS: await keychain(),
  // The recent-files list and WebKit's caches go to a throwaway home.
  XDG_CONFIG_HOME: join(home, "config"),
  XDG_DATA_HOME: join(home, "data"),
  XDG_CACHE_HOME: join(home, "cache"),
  LIBGL_ALWAYS_SOFTWARE: "1",
  // The app's live receiver: a free port of its own, HTTP only.
  TRACELENS_OTLP_HTTP_ADDR: `127.0.0.1:${LIVE_PORT}`,
  TRACELENS_OTLP_GRPC_ADDR: "off",
  // A small live store, so that a journey can see it evict.
  TRACELENS_LIVE_MAX_SPANS: "40",
};
const driver = spawn("tauri-driver", ["--port", String(PORT), "--native-port", String(PORT + 1000)], {
  env,
  stdio: ["ignore", "inherit", "pipe"],
});
children.push(driver);
// The app's stderr comes through the driver: passed on, and watched for
// the GTK, GLib and dconf complaints a desktop session should not print
// (the harmless assertion Enter in a file dialog causes is the app's to
// keep quiet: src-tauri/src/gtk_noise.rs).
const noise = [];
driver.stderr.on("data", (b) => {
  process.stderr.write(b);
  for (const line of b.toString().split("\n"))
    if (/Gtk-CRITICAL|Gtk-WARNING|GLib-GIO-CRITICAL|GLib-CRITICAL|dconf-WARNING|dconf-CRITICAL/.test(line))
      noise.push(line.trim());
});

const base = `http://127.0.0.1:${PORT}`;
async function wd(method, path, body) {
  if (process.env.WD_DEBUG)
    console.log(new Date().toISOString().slice(11, 23), method, path, JSON.stringify(body ?? "").slice(0, 80));
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 60_000);
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      signal: ctl.signal,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json).slice(0, 300)}`);
    return json.value;
  } finally {
    clearTimeout(timer);
  }
}

// tauri-driver listens once WebKitWebDriver is up.
for (let i = 0; ; i++) {
  try {
    await fetch(`${base}/status`);
    break;
  } catch {
    /* not yet */
  }
  if (i > 100) throw new Error("tauri-driver did not start");
  await sleep(200);
}

class Session {
  static async start(args = []) {
    const v = await wd("POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application: app, args } } },
    });
    const s = new Session(v.sessionId);
    await s.until(
      () => s.js("return document.readyState === 'complete' && !!document.querySelector('#status')"),
      "the page to load",
    );
    return s;
  }
  constructor(id) {
    this.id = id;
  }
  p(path) {
    return `/session/${this.id}${path}`;
  }
  js(script, ...args) {
    return wd("POST", this.p("/execute/sync"), { script, args });
  }
  async find(css) {
    const v = await wd("POST", this.p("/element"), { using: "css selector", value: css });
    return Object.values(v)[0];
  }
  click(el) {
    return wd("POST", this.p(`/element/${el}/click`), {});
  }
  type(el, text) {
    return wd("POST", this.p(`/element/${el}/value`), { text });
  }
  text(css) {
    return this.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : null", css);
  }
  /** Key presses sent to whatever has the focus. */
  keys(...keys) {
    const actions = keys.flatMap((k) => [
      { type: "keyDown", value: k },
      { type: "keyUp", value: k },
    ]);
    return wd("POST", this.p("/actions"), { actions: [{ type: "key", id: "kbd", actions }] });
  }
  /** A click at (x, y) inside an element, from its top-left corner. */
  async clickAt(css, x, y) {
    const r = await this.js(
      "const b = document.querySelector(arguments[0]).getBoundingClientRect(); return [b.left, b.top]",
      css,
    );
    await wd("POST", this.p("/actions"), {
      actions: [
        {
          type: "pointer",
          id: "mouse",
          parameters: { pointerType: "mouse" },
          actions: [
            { type: "pointerMove", origin: "viewport", x: Math.round(r[0] + x), y: Math.round(r[1] + y) },
            { type: "pointerDown", button: 0 },
            { type: "pointerUp", button: 0 },
          ],
        },
      ],
    });
  }
  async until(pred, what, ms = WAIT) {
    const end = Date.now() + ms;
    let last;
    while (Date.now() < end) {
      try {
        last = await pred();
        if (last) return last;
      } catch (e) {
        last = e;
      }
      await sleep(100);
    }
    throw new Error(
      `timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
    );
  }
  async shot(name) {
    const b64 = await wd("GET", this.p("/screenshot"));
    writeFileSync(join(shots, `${name}.png`), Buffer.from(b64, "base64"));
  }
  /** Fails when a dialog (alert, confirm) is open: nothing in a trace may open one. */
  async noDialog() {
    try {
      const t = await wd("GET", this.p("/alert/text"));
      throw new Error(`a dialog is open: ${t}`);
    } catch (e) {
      if (String(e.message).startsWith("a dialog")) throw e;
    }
  }
  end() {
    return wd("DELETE", `/session/${this.id}`).catch(() => {});
  }
}

const results = [];
let current = null;
/** xdotool on the test's display: it drives the native dialogs, which
 * WebDriver cannot reach. */
const xdo = (...args) => spawnSync("xdotool", args, { env, timeout: 10_000 });

/** The native dialog whose title holds `title`, once it is up, focused. */
async function nativeDialog(s, title) {
  const win = await s.until(() => {
    const r = xdo("search", "--name", title);
    return r.status === 0 ? r.stdout.toString().trim().split("\n")[0] : null;
  }, `the ${title} dialog`);
  await sleep(500);
  xdo("windowfocus", "--sync", win);
  return win;
}

/** The calls table shows the CLI's calls document `want` (its count, its
 * first row), and that row opens its run. */
async function callsShown(s, want, first) {
  await s.until(
    () => s.js("return document.querySelector('#calls').dataset.matched === String(arguments[0])", want.matched),
    `${want.matched} calls`,
  );
  await s.until(
    () =>
      s.js(
        "return document.querySelector('#calls-list .call-row .call-name')?.textContent === arguments[0]",
        want.rows[0].name,
      ),
    first,
  );
  await s.js("document.querySelector('#calls-list .call-row').click()");
  await s.until(
    () => s.js("return document.querySelector('#waterfall').dataset.trace === arguments[0]", want.rows[0].trace_id),
    "its run drawn",
  );
}

async function journey(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push(true);
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push(false);
    console.log(`FAIL ${name}: ${e instanceof Error ? e.message : e}`);
    await current?.shot(`failed-desktop-${name.replace(/\W+/g, "-")}`).catch(() => {});
  }
}
const expect = (cond, msg) => {
  if (!cond) throw new Error(msg);
};

/** The tests' ClickHouse engine (chdb behind its HTTP front) on a data dir of its own. */
async function startFront(dir, args = []) {
  const front = spawn(
    "python3",
    [join(root, "tests/clickhouse/chdb_front.py"), "--data", dir, "--port", "0", "--exit-with-parent", ...args],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(front);
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("the ClickHouse front did not start")), 60_000);
    let buf = "";
    front.stdout.on("data", (b) => {
      buf += b;
      const m = buf.match(/listening on (\S+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
  });
  return { front, url };
}

/** One query's answer from ClickHouse, as text (its HTTP interface, not the app). */
async function chQuery(url, sql, password = "") {
  const r = await fetch(`${url}/?query=${encodeURIComponent(sql)}`, {
    headers: { "X-ClickHouse-User": "default", "X-ClickHouse-Key": password },
  });
  const t = await r.text();
  if (!r.ok) throw new Error(`${sql}: ${t}`);
  return t.trim();
}

/** An OTLP/JSON body: `n` spans of trace `t` from span number `first` (span 1 the root). */
function otlpSpans(t, first, n) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = [];
  for (let i = first; i < first + n; i++) {
    spans.push({
      traceId: t,
      spanId: (i + 1).toString(16).padStart(16, "0"),
      parentSpanId: i === 0 ? "" : "0000000000000001",
      name: i === 0 ? "invoke_agent evicted-run" : `step ${i}`,
      startTimeUnixNano: String(now + BigInt(i) * 1000n),
      endTimeUnixNano: String(now + BigInt(i) * 1000n + 500n),
    });
  }
  return JSON.stringify({
    resourceSpans: [
      { resource: { attributes: [{ key: "service.name", value: { stringValue: "e2e" } }] }, scopeSpans: [{ spans }] },
    ],
  });
}
async function postOtlp(body) {
  const r = await fetch(`http://127.0.0.1:${LIVE_PORT}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  if (r.status !== 200) throw new Error(`OTLP POST answered ${r.status}`);
}
const rows = (s) => s.js("return document.querySelectorAll('#traces tbody tr').length");
/** Opens the ClickHouse form once the page's desktop controls are wired (the saved list loaded). */
async function openChForm(s) {
  await s.until(
    () => s.js("return document.querySelector('#ch-saved').dataset.loaded === '1'"),
    "the desktop controls ready",
  );
  await s.click(await s.find("#ch-toggle"));
  await s.until(() => s.js("return !document.querySelector('#ch-form').hidden"), "the ClickHouse form open");
}

try {
  const s = await Session.start();
  current = s;
  await journey("desktop: with nothing open the app offers the bundled sample", async () => {
    await s.until(async () => !(await s.js("return document.querySelector('#empty').hidden")), "the empty state");
    expect(await s.js("return document.body.classList.contains('desktop')"), "the page does not know it is in the app");
    await s.shot("desktop-empty");
    await s.click(await s.find("#sample"));
    await s.until(async () => (await rows(s)) === 8, "8 traces from the sample");
    await s.until(() => s.js("return !!document.querySelector('#waterfall').dataset.trace"), "a trace drawn");
    await s.shot("desktop-waterfall");
  });

  await journey("desktop: find a trace and select a span", async () => {
    await s.type(await s.find("#filter"), "dead");
    await s.until(async () => (await rows(s)) === 1, "one trace with a dead agent");
    await s.click(await s.find("#traces tbody tr td"));
    const id = await s.js("return document.querySelector('#traces tbody tr').dataset.traceId");
    await s.until(
      () => s.js("return document.querySelector('#waterfall').dataset.trace === arguments[0]", id),
      "the trace drawn",
    );
    // The third row of the waterfall: 22 px axis, 20 px rows.
    await s.clickAt("#waterfall", 500, 22 + 20 * 2 + 10);
    const name = await s.until(() => s.text("#detail h2"), "span details");
    await s.keys("\uE015"); // ArrowDown
    await s.until(async () => (await s.text("#detail h2")) !== name, "the next span's details");
    const d = await s.text("#detail");
    expect(d.includes("self time") && d.includes("duration"), "details lack timing");
    await s.shot("desktop-details");
  });

  await journey("desktop: search in the trace, then the flame graph", async () => {
    await s.click(await s.find("#find"));
    await s.type(await s.find("#find"), "execute_tool\uE007"); // Enter
    await s.until(async () => /^1 \/ \d+/.test((await s.text("#find-count")) ?? ""), "1 / n matches");
    await s.until(
      async () => ((await s.text("#detail h2")) ?? "").startsWith("execute_tool"),
      "the first match selected",
    );
    await s.keys("\uE00C"); // Escape: back to the canvas
    await s.keys("f");
    await s.until(() => s.js("return document.body.dataset.view === 'flame'"), "the flame graph");
    await s.clickAt("#flame", 100, 22 + 10);
    await s.until(
      async () => (await s.text("#detail h2")) === "invoke_agent supervisor",
      "the root selected in the flame graph",
    );
    await s.shot("desktop-flame");
    await s.keys("b");
    await s.until(
      () => s.js("return document.querySelectorAll('#breakdown ol.bottlenecks li').length > 0"),
      "the breakdown",
    );
    await s.shot("desktop-breakdown");
    await s.keys("w", "d");
  });

  await journey("desktop: the sample's log records in the logs pane and on the rows", async () => {
    // The bundled sample opens with its log records: the pane lists the
    // trace's, as the CLI does, and a click on one selects its span.
    const id = await s.js("return document.querySelector('#waterfall').dataset.trace");
    const want = JSON.parse(
      execFileSync(cli, [
        "logs",
        join(root, "examples/agent-runs.jsonl"),
        join(root, "examples/agent-logs.jsonl"),
        "--trace",
        id,
        "--json",
      ]).toString(),
    );
    expect(want.matched > 0, `the sample's trace ${id} has no records`);
    await s.keys("l");
    await s.until(
      () => s.js("return document.querySelector('#logs').dataset.matched === String(arguments[0])", want.matched),
      `${want.matched} records in the pane`,
    );
    const kinds = await s.js("return [...window.tracelens.model.markers.kind].filter((k) => k >= 2).length");
    expect(kinds === want.matched, `${kinds} record markers for ${want.matched} records`);
    const target = want.records.find((r) => r.node !== null && r.node !== 0);
    await s.js(
      "[...document.querySelectorAll('#log-list .log-row')].find((r) => r.textContent.includes(arguments[0]))?.click()",
      target.body,
    );
    await s.until(
      () => s.js("const m = window.tracelens.model; return m.cols.node[m.selected] === arguments[0]", target.node),
      "the record's span selected",
    );
    await s.shot("desktop-logs");
    await s.keys("d");
  });

  await journey("desktop: the overview across the sample's runs opens a run", async () => {
    // Across runs means every run: the earlier journey left the list filtered.
    await s.js("const f = document.querySelector('#filter'); f.value = ''; f.dispatchEvent(new Event('input'))");
    await s.until(async () => (await rows(s)) === 8, "the 8 traces listed again");
    const want = JSON.parse(
      execFileSync(cli, [
        "report",
        join(root, "examples/agent-runs.jsonl"),
        join(root, "examples/agent-logs.jsonl"),
        "--json",
      ]).toString(),
    );
    await s.click(await s.find("#tab-overview"));
    await s.until(
      () => s.js("return document.querySelector('#ov-summary')?.dataset.traces === String(arguments[0])", want.traces),
      `the Overview over all ${want.traces} runs`,
    );
    await s.until(
      () =>
        s.js("return document.querySelector('#overview').dataset.groups === String(arguments[0])", want.groups.length),
      `${want.groups.length} agent groups`,
    );
    const first = await s.text("#ov-groups tbody td.ov-key");
    expect(first === want.groups[0].key, `first group ${first}, the CLI's ${want.groups[0].key}`);
    const slow = want.groups[0].slowest;
    await s.js("document.querySelector(`#ov-groups .ov-example[data-span='${arguments[0]}']`)?.click()", slow.span_id);
    await s.until(
      () => s.js("return document.querySelector('#waterfall').dataset.trace === arguments[0]", slow.trace_id),
      "the slowest run drawn",
    );
    await s.shot("desktop-overview");
    await s.click(await s.find("#tab-traces"));
    await s.until(() => s.js("return !document.querySelector('#traces').hidden"), "the trace list back");
  });

  await journey("desktop: the calls table lists the sample's LLM calls and opens one", async () => {
    const want = JSON.parse(
      execFileSync(cli, [
        "calls",
        join(root, "examples/agent-runs.jsonl"),
        join(root, "examples/agent-logs.jsonl"),
        "--sort",
        "cost",
        "--json",
      ]).toString(),
    );
    await s.click(await s.find("#tab-calls"));
    await s.js(
      "const s = document.querySelector('#calls-sort'); s.value = 'cost'; s.dispatchEvent(new Event('change'))",
    );
    await callsShown(s, want, "the costliest call first");
    await s.shot("desktop-calls");
    await s.click(await s.find("#tab-traces"));
  });

  await journey("desktop: filter spans inside a trace, then compare it with another run", async () => {
    const id = await s.js("return document.querySelector('#waterfall').dataset.trace");
    const all = await s.js("return window.tracelens.waterfall.visible.length");
    await s.click(await s.find("#span-filter"));
    await s.type(await s.find("#span-filter"), "tool\uE007"); // Enter
    await s.until(
      () => s.js("return Number(document.querySelector('#waterfall').dataset.filtered || 0) > 0"),
      "tool spans matched",
    );
    const left = await s.js(
      "const {model, waterfall} = window.tracelens; return [...waterfall.visible].filter((r) => model.cols.cls[r] !== 2 && model.filter[r] !== 1).length",
    );
    expect(left === 0, `${left} rows shown that are no tool and lead to none`);
    const shown = await s.js("return window.tracelens.waterfall.visible.length");
    expect(shown < all, `the filter left ${shown} of ${all} rows`);
    await s.shot("desktop-filter");
    await s.click(await s.find("#filter-chips .chip"));
    await s.until(
      () => s.js("return window.tracelens.waterfall.visible.length === arguments[0]", all),
      "every row back",
    );
    const other = await s.js(
      "return [...document.querySelectorAll('#traces tbody tr')].map((r) => r.dataset.traceId).find((t) => t !== arguments[0])",
      id,
    );
    await s.click(await s.find("#compare-open"));
    await s.js(
      "const w = document.querySelector('#compare-with'); w.value = arguments[0]; w.dispatchEvent(new Event('change'))",
      other,
    );
    const want = JSON.parse(
      execFileSync(cli, [
        "diff",
        id,
        other,
        join(root, "examples/agent-runs.jsonl"),
        join(root, "examples/agent-logs.jsonl"),
        "--json",
      ]).toString(),
    );
    await s.until(
      () =>
        s.js(
          "const d = document.querySelector('#compare').dataset; return d.rows === String(arguments[0]) && d.changed === String(arguments[1])",
          want.rows.length,
          want.counts.changed,
        ),
      "the same diff as the CLI's",
    );
    await s.shot("desktop-compare");
    await s.click(await s.find("#compare-close"));
  });
  await s.end();

  const h = await Session.start([join(root, "tests/fixtures/hostile-markup.json")]);
  current = h;
  await journey("desktop: hostile markup from a file on the command line stays text", async () => {
    await h.until(async () => (await rows(h)) === 1, "the hostile trace listed");
    expect((await h.text("#traces tbody tr td")) === "<img src=x onerror=alert(1)>", "the name is not literal text");
    await h.until(() => h.js("return !!document.querySelector('#waterfall').dataset.trace"), "the trace drawn");
    await h.clickAt("#waterfall", 500, 22 + 10);
    await h.until(async () => (await h.text("#detail h2")) === "<img src=x onerror=alert(1)>", "its details");
    const d = await h.text("#detail");
    expect(
      d.includes("<svg onload=alert(2)>") && d.includes("<script>window.__pwned='attr'</script>"),
      "attributes are not shown as text",
    );
    await h.keys("\uE015");
    await h.until(
      async () => (await h.text("#detail h2")) === "<script>window.__pwned='child'</script>",
      "the child's details",
    );
    await h.noDialog();
    const injected = await h.js(
      "return [window.__pwned || null, document.querySelectorAll('img, svg, iframe').length]",
    );
    expect(injected[0] === null && injected[1] === 0, `injected: ${JSON.stringify(injected)}`);
    await h.shot("desktop-hostile");
  });

  await journey("desktop: a file opened is on the recent list", async () => {
    const want = join(root, "tests/fixtures/hostile-markup.json");
    await h.until(
      () => h.js("return [...document.querySelectorAll('#recent option')].some((o) => o.value === arguments[0])", want),
      "the file in the recent list",
    );
  });
  await h.end();

  // `tracelens open FILE --trace ID --span ID`: the app opens that view.
  const runs = join(root, "examples/agent-runs.jsonl");
  const sum = JSON.parse(execFileSync(cli, ["summary", runs, "--json"]).toString());
  const target = sum.traces[3];
  const targetSpan = target.critical_path[2];
  const o = await Session.start([runs, `--trace=${target.trace_id.slice(0, 12)}`, `--span=${targetSpan}`]);
  current = o;
  await journey("desktop: opened with --trace and --span, the app shows that span", async () => {
    await o.until(
      () => o.js("return document.querySelector('#waterfall').dataset.trace === arguments[0]", target.trace_id),
      "the named trace drawn",
    );
    const want = JSON.parse(
      execFileSync(cli, ["span", runs, "--trace", target.trace_id, "--span", targetSpan, "--json"]).toString(),
    );
    await o.until(async () => (await o.text("#detail h2")) === want.name, `the span ${want.name} selected`);
  });

  await journey("desktop: Copy link puts this view on the clipboard as a serve link, without a token", async () => {
    // A real `tracelens serve` of the same file: the link must open the same span there.
    const srv = spawn(cli, ["serve", runs], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(srv);
    const serveUrl = await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error("tracelens serve printed no URL")), 30_000);
      let out = "";
      srv.stdout.on("data", (b) => {
        out += b.toString();
        const m = out.match(/at (http:\/\/\S+)/);
        if (m) {
          clearTimeout(timer);
          ok(m[1]);
        }
      });
    });
    const served = new URL(serveUrl);
    const token = served.searchParams.get("token");
    await o.click(await o.find("#copy-link"));
    await o.until(() => o.js("return !document.querySelector('#link-pop').hidden"), "the link popover");
    // The address as serve printed it, token and all: the token must not travel.
    await o.type(await o.find("#serve-base"), serveUrl);
    await o.click(await o.find("#link-copy"));
    await o.until(() => o.js("return document.querySelector('#link-pop').hidden"), "the popover closed after copying");
    const link = await o.until(() => {
      const r = spawnSync("xclip", ["-selection", "clipboard", "-o"], { env, timeout: 5000 });
      return r.status === 0 && r.stdout.toString().includes("#trace=") ? r.stdout.toString() : null;
    }, "the link on the X clipboard");
    expect(!link.includes(token), `the token travelled in the link: ${link}`);
    const u = new URL(link);
    expect(u.origin === served.origin, `the link points at ${u.origin}, not the serve page ${served.origin}`);
    const h = new URLSearchParams(u.hash.slice(1));
    expect(h.get("trace") === target.trace_id, `the link names trace ${h.get("trace")}`);
    const res = await fetch(`${served.origin}/api/traces/${h.get("trace")}/nodes/${h.get("node")}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const there = await res.json();
    expect(
      there.span_id === targetSpan,
      `the link's node is span ${there.span_id} on the serve page, not ${targetSpan}`,
    );
    // The address is remembered for the next link, without its token.
    const kept = await o.js("return localStorage.getItem('tracelens.serve-base')");
    expect(kept === `${served.origin}/`, `remembered ${kept}`);
    srv.kill("SIGTERM");
  });

  await journey("desktop: Export saves the selected subtree through the real save dialog", async () => {
    const out = join(home, "exported-subtree.jsonl");
    await o.js(
      "const e = document.querySelector('#export'); e.value = 'sub:otlp-json'; e.dispatchEvent(new Event('change'))",
    );
    // The GTK save dialog, driven as a user would: its name field takes a path.
    const win = await nativeDialog(o, "Export trace");
    xdo("key", "--window", win, "ctrl+a");
    xdo("type", "--window", win, "--delay", "5", out);
    xdo("key", "--window", win, "Return");
    await o.until(async () => /^saved /.test((await o.text("#status")) ?? ""), "the app saying where it saved");
    // The same subtree as the CLI writes it: the same trace, root and spans.
    const cliOut = join(home, "cli-subtree.jsonl");
    execFileSync(cli, [
      "convert",
      runs,
      "--trace",
      target.trace_id,
      "--span",
      targetSpan,
      "--to",
      "otlp-json",
      "--out",
      cliOut,
    ]);
    const [got, want] = [out, cliOut].map((f) => JSON.parse(execFileSync(cli, ["summary", f, "--json"]).toString()));
    const g = got.traces[0],
      w = want.traces[0];
    expect(got.traces.length === 1 && g.trace_id === target.trace_id, "the saved file is not the trace");
    expect(
      g.root_name === w.root_name && g.span_count === w.span_count && g.duration_ns === w.duration_ns,
      `saved ${JSON.stringify(g)}, the CLI gives ${JSON.stringify(w)}`,
    );
    expect(g.span_count < target.span_count, "the whole trace was saved, not the subtree");
  });
  await o.end();

  // ClickHouse as a source: a real engine (the tests' chdb front), the
  // sample imported with the CLI, then connect, list and open in the app.
  const { front, url: chUrl } = await startFront(join(home, "ch"));
  execFileSync(cli, ["migrate", "--clickhouse", chUrl, "--database", "app", "--otel"], { stdio: "ignore" });
  execFileSync(cli, ["import", join(root, "examples/agent-runs.jsonl"), "--clickhouse", chUrl, "--database", "app"], {
    stdio: "ignore",
  });
  const c = await Session.start();
  current = c;
  await journey("desktop: connect to ClickHouse, list stored traces, open one", async () => {
    await openChForm(c);
    await c.type(await c.find("#ch-url"), chUrl);
    await c.type(await c.find("#ch-database"), "app");
    await c.js("document.querySelector('#ch-since').value = '3153600000'");
    await c.type(await c.find("#ch-password"), "wrong");
    await c.click(await c.find("#ch-connect"));
    await c.until(async () => /516/.test((await c.text("#ch-status")) ?? ""), "the wrong password refused (code 516)");
    expect(!((await c.text("#ch-status")) ?? "").includes("wrong"), "the password shows in the status");
    await c.js("document.querySelector('#ch-password').value = ''");
    await c.click(await c.find("#ch-connect"));
    await c.until(async () => (await rows(c)) === 8, "8 stored traces listed");
    await c.shot("desktop-clickhouse-list");
    // Filters run in ClickHouse, over the whole range: 3 of the 8 have errors.
    await c.click(await c.find("#ch-errors"));
    await c.until(async () => (await rows(c)) === 3, "errors only: 3 stored traces");
    await c.click(await c.find("#ch-errors"));
    await c.until(async () => (await rows(c)) === 8, "all 8 again");
    // Agent states come from agent_executions (the import filled it): the
    // list shows them, and filters by them, as the CLI's summary counts them.
    const summary = JSON.parse(
      execFileSync(cli, ["summary", join(root, "examples/agent-runs.jsonl"), "--json"]).toString(),
    );
    const deadTraces = summary.traces.filter((t) => t.agents.some((a) => a.state === "dead")).length;
    expect(deadTraces > 0 && deadTraces < 8, `dead traces in the sample: ${deadTraces}`);
    await c.until(
      async () =>
        (
          (await c.js(
            "return [...document.querySelectorAll('#traces tbody tr td.agents')].map((t) => t.textContent).join('|')",
          )) ?? ""
        ).includes("dead"),
      "the stored list's agent states",
    );
    await c.js("const s = document.querySelector('#ch-state'); s.value = 'dead'; s.dispatchEvent(new Event('change'))");
    await c.until(async () => (await rows(c)) === deadTraces, `the ${deadTraces} traces with a dead agent`);
    await c.js("const s = document.querySelector('#ch-state'); s.value = ''; s.dispatchEvent(new Event('change'))");
    await c.until(async () => (await rows(c)) === 8, "all 8 once more");
    // The trace with the dead writer, by its id.
    await c.type(await c.find("#filter"), "3bee2925be4db9d9");
    await c.until(async () => (await rows(c)) === 1, "the filter on stored traces");
    const id = await c.js("return document.querySelector('#traces tbody tr').dataset.traceId");
    await c.click(await c.find("#traces tbody tr td"));
    await c.until(
      () => c.js("return document.querySelector('#waterfall').dataset.trace === arguments[0]", id),
      "the stored trace drawn",
    );
    await c.clickAt("#waterfall", 500, 22 + 20 * 2 + 10);
    await c.until(async () => (await c.text("#detail h2")) === "invoke_agent writer", "the dead writer's details");
    const d = await c.text("#detail");
    expect(d.includes("dead"), "the dead agent is not dead when read from ClickHouse");
    await c.shot("desktop-clickhouse-trace");
    // A correlation id searches ClickHouse, not just the opened trace.
    await c.js(
      "document.querySelector('#filter').value = ''; document.querySelector('#filter').dispatchEvent(new Event('input'))",
    );
    await c.type(await c.find("#corr"), "u-1042\uE007");
    await c.until(
      async () => /traces? carr(y|ies) u-1042/.test((await c.text("#list-note")) ?? ""),
      "the correlation search answered",
    );
    const n = await rows(c);
    expect(n >= 1 && n < 8, `u-1042 left ${n} stored traces`);
    await c.js("const e = document.querySelector('#corr'); e.value = ''; e.dispatchEvent(new Event('change'))");
    await c.until(async () => (await rows(c)) === 8, "the list back after clearing the search");
    // The Overview of stored runs is ClickHouse's report, as the CLI's.
    // What the CLI says of the stored runs, to compare the app with.
    const stored = (...args) =>
      JSON.parse(
        execFileSync(cli, [
          ...args,
          "--clickhouse",
          chUrl,
          "--database",
          "app",
          "--since",
          "36500d",
          "--json",
        ]).toString(),
      );
    const want = stored("report", "--limit", "200");
    await c.click(await c.find("#tab-overview"));
    await c.until(
      () =>
        c.js("return document.querySelector('#overview').dataset.groups === String(arguments[0])", want.groups.length),
      `${want.groups.length} agent groups from ClickHouse`,
    );
    const note = (await c.text("#ov-not-computed")) ?? "";
    expect(note.includes("bottlenecks"), `no word of what SQL cannot give: ${note}`);
    await c.until(
      () => c.js("return Number(document.querySelector('#ov-health')?.dataset.agents) > 0"),
      "health drawn",
    );
    await c.shot("desktop-clickhouse-overview");
    // The calls table of a stored source: every stored LLM call, as
    // `calls --clickhouse` has them; a row opens its stored run at the call.
    const calls = stored("calls");
    expect(calls.matched > 0, "no stored calls");
    await c.click(await c.find("#tab-calls"));
    await callsShown(c, calls, "the slowest stored call first");
    await c.until(async () => (await c.text("#detail h2")) === calls.rows[0].name, "the call's span selected");
    await c.click(await c.find("#tab-traces"));
  });

  await journey("desktop: the CA certificate is picked in the native dialog and used", async () => {
    // Not a certificate: the connection must say so, which shows the picked
    // file (not a path the page sent) reached it.
    const ca = join(home, "not-a-ca.pem");
    writeFileSync(ca, "hello\n");
    await c.click(await c.find("#ch-ca"));
    // Real key events (XTEST) to the focused dialog: its location field
    // (Ctrl+L) takes a path.
    await nativeDialog(c, "CA certificate");
    xdo("key", "ctrl+l");
    await sleep(300);
    xdo("type", "--delay", "5", ca);
    await sleep(400);
    xdo("key", "Return");
    await c.until(async () => (await c.text("#ch-ca-name")) === "not-a-ca.pem", "the picked file named");
    await c.click(await c.find("#ch-connect"));
    await c.until(
      async () => /the CA certificate .*not-a-ca\.pem/.test((await c.text("#ch-status")) ?? ""),
      "the connection refusing the bad certificate",
    );
    // Cleared, the bundled roots again: the connection works.
    await c.click(await c.find("#ch-ca-clear"));
    await c.until(async () => (await c.text("#ch-ca-name")) === "", "the pick cleared");
    await c.click(await c.find("#ch-connect"));
    await c.until(async () => /default@/.test((await c.text("#ch-status")) ?? ""), "connected again");
  });

  // More stored traces than one page: the rest come on demand.
  const many = join(home, "many.jsonl");
  execFileSync(cli, ["generate", "--out", many, "--traces", "510", "--spans-per-trace", "3"], { stdio: "ignore" });
  execFileSync(cli, ["migrate", "--clickhouse", chUrl, "--database", "paging", "--otel"], { stdio: "ignore" });
  execFileSync(cli, ["import", many, "--clickhouse", chUrl, "--database", "paging", "--schema", "otel"], {
    stdio: "ignore",
  });
  await journey("desktop: stored traces past one page load on demand", async () => {
    const db = await c.find("#ch-database");
    await c.js("document.querySelector('#ch-database').value = ''");
    await c.type(db, "paging");
    await c.click(await c.find("#ch-connect"));
    await c.until(async () => (await rows(c)) === 500, "the first 500 stored traces");
    expect(!(await c.js("return document.querySelector('#more-stored').hidden")), "no button for older traces");
    await c.click(await c.find("#more"));
    await c.until(async () => (await rows(c)) === 510, "all 510 after the next page");
    expect(await c.js("return document.querySelector('#more-stored').hidden"), "the button stays after the last page");
    // Back to the sample's database for the next journey.
    await c.js("document.querySelector('#ch-database').value = ''");
    await c.type(db, "app");
    await c.click(await c.find("#ch-connect"));
    await c.until(async () => (await rows(c)) === 8, "the sample's 8 stored traces again");
  });

  await journey("desktop: a ClickHouse that dies is a clear error, and the app stays usable", async () => {
    front.kill("SIGKILL");
    await c.js(
      "document.querySelector('#filter').value = ''; document.querySelector('#filter').dispatchEvent(new Event('input'))",
    );
    await c.until(async () => (await rows(c)) === 8, "the stored list back");
    await c.click(await c.find("#traces tbody tr:nth-child(2) td"));
    await c.until(
      async () => /error: .*(connect|ClickHouse|connection)/i.test((await c.text("#status")) ?? ""),
      "the error in the status line",
    );
    await c.shot("desktop-clickhouse-down");
    // A file from the recent list opens as usual.
    await c.js(
      "const s = document.querySelector('#recent'); s.value = [...s.options].find((o) => o.value.endsWith('hostile-markup.json')).value; s.dispatchEvent(new Event('change'))",
    );
    await c.until(
      async () => (await rows(c)) === 1 && !(await c.js("return document.body.dataset.source === 'clickhouse'")),
      "a recent file opened after the failure",
    );
    await c.until(() => c.js("return !!document.querySelector('#waterfall').dataset.trace"), "a trace drawn");
  });
  await c.end();

  // Live: spans sent by Python's OTLP exporter to the running app appear.
  const l = await Session.start();
  current = l;
  await journey("desktop: spans sent over OTLP appear live in the trace list", async () => {
    await l.until(() => l.js("return !document.querySelector('#live').hidden"), "the live button (receiver listening)");
    const sent = JSON.parse(
      execFileSync("python3", [
        join(root, "tests/otel/send_python.py"),
        `http://127.0.0.1:${LIVE_PORT}/v1/traces`,
        "http",
      ]).toString(),
    );
    await l.until(
      async () => (await l.text("#traces tbody tr td")) === "invoke_agent planner",
      "the sent trace listed",
      10_000,
    );
    expect(/Live · 3 spans/.test((await l.text("#live")) ?? ""), `live button: ${await l.text("#live")}`);
    await l.until(
      () => l.js("return document.querySelector('#waterfall').dataset.trace === arguments[0]", sent.trace_id),
      "the live trace drawn",
    );
    await l.clickAt("#waterfall", 500, 22 + 20 * 1 + 10);
    await l.until(async () => (await l.text("#detail h2")) === "chat gpt-4o", "a received span's details");
    const d = await l.text("#detail");
    expect(d.includes("321") && d.includes("gpt-4o"), "the LLM figures did not arrive");
    // The run's log record came over /v1/logs (the SDK's OTLP log
    // exporter): the logs pane lists it on its span, live.
    await l.keys("l");
    await l.until(
      () => l.js("return document.querySelector('#logs').dataset.matched === '1'"),
      "the received log record in the logs pane",
      10_000,
    );
    const rec = await l.js("return document.querySelector('#log-list .log-row')?.textContent ?? ''");
    expect(rec.includes(sent.log.body), `the live record: ${rec}`);
    await l.shot("desktop-live");
    await l.keys("d");
    // Health, live: the Overview's series is the live store's, the received
    // run's agent in it with its duration.
    await l.keys("o");
    await l.until(
      () =>
        l.js(
          "return document.querySelector('#ov-health')?.dataset.agents === '1' && document.querySelector('#ov-latency')?.dataset.points === '1'",
        ),
      "the live run's agent in the health and duration charts",
    );
    await l.shot("desktop-live-health");
    await l.keys("o");
    await l.until(() => l.js("return !document.querySelector('#traces').hidden"), "back to the trace list");
  });

  // Write-through from the app: received spans go to a ClickHouse of its
  // own, into otel_traces and the agent tables, checked in ClickHouse itself.
  // This server wants a password: the connection is saved with it in the
  // keychain, and a later app reconnects from the saved entry.
  const PW = "pw-live-\u00e9";
  const wt = await startFront(join(home, "ch-live"), ["--password", PW]);
  execFileSync(cli, ["migrate", "--clickhouse", wt.url, "--database", "live", "--otel"], {
    stdio: "ignore",
    env: { ...process.env, CLICKHOUSE_PASSWORD: PW },
  });
  await journey("desktop: spans received live are written through to ClickHouse", async () => {
    await openChForm(l);
    await l.type(await l.find("#ch-url"), wt.url);
    await l.type(await l.find("#ch-database"), "live");
    await l.type(await l.find("#ch-password"), PW);
    await l.click(await l.find("#ch-save"));
    await l.click(await l.find("#ch-connect"));
    await l.until(
      async () => /saved, the password in the keychain/.test((await l.text("#ch-status")) ?? ""),
      "the connection saved, its password in the keychain",
    );
    await l.until(() => l.js("return !document.querySelector('#ch-write-label').hidden"), "the write-through toggle");
    await l.click(await l.find("#ch-write"));
    await l.until(
      async () => /written to default@/.test((await l.text("#ch-write-status")) ?? ""),
      "the write-through on",
    );
    const sent = JSON.parse(
      execFileSync("python3", [
        join(root, "tests/otel/send_python.py"),
        `http://127.0.0.1:${LIVE_PORT}/v1/traces`,
        "http",
      ]).toString(),
    );
    await l.until(
      async () => /^3 spans and [1-9]\d* agent rows written/.test((await l.text("#ch-write-status")) ?? ""),
      "3 spans and the agent rows written",
      30_000,
    );
    expect(
      (await chQuery(wt.url, `SELECT count() FROM live.otel_traces WHERE TraceId = '${sent.trace_id}'`, PW)) === "3",
      "otel_traces lacks the spans",
    );
    const state = await chQuery(
      wt.url,
      `SELECT agent_name, state FROM live.agent_executions FINAL WHERE trace_id = '${sent.trace_id}' FORMAT TSV`,
      PW,
    );
    expect(state === "planner\tcompleted", `agent_executions: ${JSON.stringify(state)}`);
    const llm = await chQuery(
      wt.url,
      `SELECT prompt_tokens FROM live.performance_metrics FINAL WHERE trace_id = '${sent.trace_id}' FORMAT TSV`,
      PW,
    );
    expect(llm === "321", `performance_metrics: ${JSON.stringify(llm)}`);
    await l.shot("desktop-write-through");
    await l.click(await l.find("#ch-write"));
    await l.until(async () => ((await l.text("#ch-write-status")) ?? "") === "", "the write-through off");
  });

  // The live store is bounded (TRACELENS_LIVE_MAX_SPANS=40 here): a trace
  // whose first spans were evicted shows again, marked partial, when late
  // spans arrive.
  await journey("desktop: a live trace cut by the bounded store is marked partial", async () => {
    await l.click(await l.find("#live"));
    const a = "00000000000000000000000000e2e00a";
    await postOtlp(otlpSpans(a, 0, 10));
    await l.until(
      async () =>
        await l.js(
          "return [...document.querySelectorAll('#traces tbody tr')].some((r) => r.dataset.traceId === arguments[0])",
          a,
        ),
      "trace A listed",
    );
    await postOtlp(otlpSpans("00000000000000000000000000e2e00b", 0, 31));
    await l.until(async () => /old spans dropped/.test((await l.text("#live")) ?? ""), "the bound evicting");
    await postOtlp(otlpSpans(a, 10, 1));
    await l.until(
      async () =>
        await l.js(
          "const r = document.querySelector(\"#traces tbody tr[data-trace-id='\" + arguments[0] + \"']\"); return r && r.classList.contains('partial') ? r.title : null",
          a,
        ),
      "trace A marked partial",
    );
    const title = await l.js(
      'return document.querySelector("#traces tbody tr[data-trace-id=\'" + arguments[0] + "\']").title',
      a,
    );
    expect(/^10 earlier spans of this trace were evicted/.test(title), `partial title: ${title}`);
    await l.shot("desktop-live-partial");
  });
  await l.end();

  // A new app: the saved connection is listed (no password anywhere on
  // disk) and connects with the password from the keychain.
  const k = await Session.start();
  current = k;
  await journey("desktop: a saved connection reconnects with its password from the keychain", async () => {
    await openChForm(k);
    await k.until(
      async () => (await k.js("return document.querySelector('#ch-saved').options.length")) === 2,
      "the saved connection listed",
    );
    const label = await k.js("return document.querySelector('#ch-saved').options[1].textContent");
    expect(label === `default@${wt.url}/live`, `saved entry: ${label}`);
    const onDisk = spawnSync("grep", ["-rlF", PW, home], { encoding: "utf8" }).stdout.trim();
    expect(onDisk === "", `the password is in a file: ${onDisk}`);
    await k.js("const s = document.querySelector('#ch-saved'); s.value = '0'; s.dispatchEvent(new Event('change'))");
    await k.until(
      async () => ((await k.text("#ch-status")) ?? "") === `default@${wt.url}/live`,
      "connected from the saved entry",
    );
    await k.until(async () => (await rows(k)) >= 1, "the written-through trace listed from ClickHouse");
    // Opened skeleton-first: the 3 KB prompt stays in ClickHouse until asked for.
    await k.click(await k.find("#traces tbody tr td"));
    await k.until(() => k.js("return !!document.querySelector('#waterfall').dataset.trace"), "the stored trace drawn");
    await k.clickAt("#waterfall", 500, 22 + 20 * 1 + 10);
    await k.until(async () => (await k.text("#detail h2")) === "chat gpt-4o", "the LLM span's details");
    const before = (await k.text("#detail")) ?? "";
    expect(
      before.includes("1 large value not loaded: gen_ai.prompt") && !before.includes("careful planner"),
      `details before loading: ${before.slice(0, 300)}`,
    );
    await k.click(await k.find("#load-omitted"));
    await k.until(
      async () => ((await k.text("#detail")) ?? "").includes("You are a careful planner. step step"),
      "the prompt loaded from ClickHouse",
    );
    await k.shot("desktop-clickhouse-large-value");
    await k.click(await k.find("#ch-forget"));
    await k.until(
      async () => (await k.js("return document.querySelector('#ch-saved').options.length")) === 1,
      "the saved connection forgotten",
    );
  });
  await k.end();

  // A big file: progress shows, and cancel keeps what was open (here: nothing).
  const big = join(home, "big.jsonl");
  execFileSync(cli, ["generate", "--out", big, "--traces", "400", "--spans-per-trace", "1000"], { stdio: "ignore" });
  const g = await Session.start([big]);
  current = g;
  await journey("desktop: a big file shows progress and can be cancelled", async () => {
    await g.until(() => g.js("return !document.querySelector('#progress').hidden"), "the progress bar");
    expect(
      /Reading .*big\.jsonl — [\d.]+ of [\d.]+ MB/.test(await g.text("#progress-text")),
      `progress text: ${await g.text("#progress-text")}`,
    );
    await g.shot("desktop-progress");
    await g.click(await g.find("#cancel"));
    await g.until(async () => /cancelled/.test((await g.text("#status")) ?? ""), "the cancel acknowledged");
    expect(await g.js("return document.querySelector('#progress').hidden"), "the progress bar stays after cancel");
    expect((await rows(g)) === 0, "a cancelled open still showed traces");
  });
  await g.end();

  await journey("desktop: the app printed no GTK, GLib or dconf warnings in all of this", async () => {
    expect(noise.length === 0, `${noise.length} lines, e.g. ${noise.slice(0, 3).join(" | ")}`);
  });
} catch (e) {
  console.log(`FAIL desktop harness: ${e instanceof Error ? e.stack : e}`);
  results.push(false);
}

cleanup();
const passed = results.filter(Boolean).length;
console.log(`desktop e2e: ${passed} passed, ${results.length - passed} failed; screenshots in ${shots}`);
process.exit(results.length - passed ? 1 : 0);

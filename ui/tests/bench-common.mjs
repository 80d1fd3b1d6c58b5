// What the UI benchmarks share: statistics, `tracelens serve` started on
// inputs, Chromium launched as the benchmarks run it, and the renderer
// processes' memory.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))] : NaN;
};

/** Starts `tracelens serve` on `files`; resolves with its URL once it prints it. */
export function serve(bin, root, files) {
  const proc = spawn(bin, ["serve", "--ui", join(root, "ui/dist"), ...files], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("no URL within 300 s")), 300_000);
    let buf = "";
    proc.stdout.on("data", (b) => {
      buf += b;
      const m = buf.match(/at (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        ok({ proc, url: m[1] });
      }
    });
    proc.on("exit", (c) => fail(new Error(`serve exited ${c}`)));
  });
}

/** PSS in MB of the renderer processes of the Chromium this script started
 * (descendants of its children: renderers hang off the zygote). */
export function rendererRssMb() {
  const procs = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      // PSS: shared library pages split among the processes that map them,
      // so Chromium's own code is not counted whole against the page.
      const rss = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").match(/Pss:\s+(\d+)/);
      procs.push({ pid: Number(pid), ppid: Number(stat[1]), cmd, rssKb: rss ? Number(rss[1]) : 0 });
    } catch {
      /* gone */
    }
  }
  const mine = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs)
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
  }
  return (
    procs.filter((p) => mine.has(p.pid) && p.cmd.includes("--type=renderer")).reduce((a, p) => a + p.rssKb, 0) / 1024
  );
}

/** Debian's Chromium, headless with software rendering, as the benchmarks measure it. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--enable-precise-memory-info",
    ],
  });
}

/** Replaces the section between `<!-- tag -->` and `<!-- /tag -->` of `out`, or appends it. */
export function writeSection(out, tag, section) {
  const prev = existsSync(out) ? readFileSync(out, "utf8") : "";
  const re = new RegExp(`<!-- ${tag} -->[\\s\\S]*<!-- /${tag} -->`);
  writeFileSync(out, re.test(prev) ? prev.replace(re, () => section) : `${prev.trimEnd()}\n\n${section}\n`);
}

/**
 * Serves `files`, opens `runs` pages of it in Chromium one after another
 * and hands each, loaded, to `fn`; returns the largest JS heap and renderer
 * PSS (MB) seen after each page's measures.
 */
export async function eachPage(bin, root, files, runs, fn) {
  const { proc, url } = await serve(bin, root, files);
  const browser = await launch();
  const mem = { heap: 0, rss: 0 };
  try {
    for (let r = 0; r < runs; r++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.setDefaultTimeout(300_000);
      await page.goto(url);
      await fn(page, r);
      const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
      mem.heap = Math.max(mem.heap, heap / 1e6);
      mem.rss = Math.max(mem.rss, rendererRssMb());
      await page.close();
    }
  } finally {
    await browser.close();
    proc.kill("SIGTERM");
  }
  return mem;
}

/** One generated trace of `n` spans (seed 7, OTLP protobuf) in `dir`, written once and reused. */
export function oneTrace(bin, dir, n) {
  const f = join(dir, `one-trace-${n}.pb`);
  if (!existsSync(f)) {
    execFileSync(
      bin,
      [
        "generate",
        "--out",
        f,
        "--format",
        "otlp-proto",
        "--traces",
        "1",
        "--spans-per-trace",
        String(n),
        "--seed",
        "7",
      ],
      { stdio: "inherit" },
    );
  }
  return f;
}

/** "Measured by `script` on <cores> × <CPU>, <RAM>, <Chromium> headless ..., <date>." */
export function measuredOn(script) {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const chromium = execFileSync(process.env.CHROMIUM ?? "/usr/bin/chromium", ["--version"])
    .toString()
    .trim();
  return `Measured by \`${script}\` on ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${chromium} headless with software rendering (--disable-gpu), ${new Date().toISOString().slice(0, 10)}.`;
}

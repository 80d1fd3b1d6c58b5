// Moving through a trace the way a failure hunt does: to the next or
// previous problem (error, failed, timed-out or dead agent, orphan, missing
// parent, clock skew) with "problem 2 of 7", and Back to the selection
// before the last jump (a why step, the parent, a link, a search match).

import { api } from "./api";
import { $, count, fail, say } from "./dom";
import { openTrace, opened, rowOfNodeId, selectNode } from "./trace";
import { model } from "./views";
import type { ProblemStep } from "./wire";

const button = $<HTMLButtonElement>("#problem-next");

/** The open trace's problems in row order, fetched once per trace. */
let problems: { trace: string; steps: ProblemStep[]; rows: number[] } | null = null;

async function problemsOf(trace: string): Promise<{ steps: ProblemStep[]; rows: number[] }> {
  if (problems?.trace !== trace) {
    const why = await api.why(trace, null);
    const steps = why.problems.filter((p) => rowOfNodeId(p.node) !== undefined);
    const rows = steps.map((p) => rowOfNodeId(p.node) ?? 0);
    problems = { trace, steps, rows };
  }
  return problems;
}

/** Selects the next (`dir` 1) or previous (-1) problem after the selection. */
export async function stepProblem(dir: 1 | -1): Promise<void> {
  const trace = opened.id;
  if (!trace || !model.cols) return;
  try {
    const { steps, rows } = await problemsOf(trace);
    if (trace !== opened.id) return;
    if (rows.length === 0) {
      say("no problem in this trace");
      return;
    }
    const at = model.selected;
    let i: number;
    if (dir === 1) {
      i = rows.findIndex((r) => r > at);
      if (i < 0) i = 0;
    } else {
      i = rows.length - 1;
      while (i >= 0 && (rows[i] ?? 0) >= at) i--;
      if (i < 0) i = rows.length - 1;
    }
    const p = steps[i];
    model.select(rows[i] ?? 0);
    const text = `problem ${i + 1} of ${rows.length}`;
    button.dataset.at = `${i + 1}/${rows.length}`;
    say(p ? `${text}: ${p.name} (${p.kind}${p.detail ? `: ${p.detail}` : ""})` : text);
  } catch (e) {
    fail(e);
  }
}

/** Shows how many problems the newly opened trace has on the button. */
async function showCount(trace: string): Promise<void> {
  button.textContent = "Problems";
  delete button.dataset.at;
  try {
    const { rows } = await problemsOf(trace);
    if (trace !== opened.id) return;
    button.textContent = rows.length ? `⚠ ${rows.length}` : "no problem";
    button.title = rows.length
      ? `${count(rows.length, "problem")}: the next one (e), the previous (Shift+E)`
      : "No error, failed, timed-out or dead agent, orphan or clock skew in this trace";
    button.disabled = rows.length === 0;
  } catch {
    /* the details will say what is wrong */
  }
}

/** Where the selection was before each jump: trace and node. */
const back: { trace: string; node: number }[] = [];
const MAX_BACK = 200;
let last: { trace: string; node: number } | null = null;
let goingBack = false;

/** Returns to the selection before the last one. */
export async function goBack(): Promise<void> {
  const to = back.pop();
  if (!to) {
    say("nothing to go back to");
    return;
  }
  goingBack = true;
  try {
    if (to.trace !== opened.id) await openTrace(to.trace, to.node);
    else selectNode(to.node);
  } finally {
    goingBack = false;
  }
}

export function initNav(): void {
  button.addEventListener("click", (e) => void stepProblem(e.shiftKey ? -1 : 1));
  $<HTMLButtonElement>("#back").addEventListener("click", () => void goBack());
  model.subscribe((c) => {
    if (c === "trace" && opened.id) void showCount(opened.id);
    if (c !== "select" && c !== "trace") return;
    const cols = model.cols;
    const trace = opened.id;
    const now = trace && cols && model.selected >= 0 ? { trace, node: cols.node[model.selected] ?? 0 } : null;
    if (!now) return;
    // Moving one row with the arrows is not a jump worth coming back to.
    const step =
      last !== null && last.trace === now.trace && Math.abs((rowOfNodeId(last.node) ?? -9) - model.selected) <= 1;
    if (last && !goingBack && !step && (last.trace !== now.trace || last.node !== now.node)) {
      back.push(last);
      if (back.length > MAX_BACK) back.shift();
    }
    last = now;
  });
}

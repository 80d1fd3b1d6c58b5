// How one log record reads as a line: its time of day, its level's class,
// its text. Pure functions (no DOM, no transport), shared by the logs pane
// and the span details.

import type { Level, LogLine } from "./wire";

/** What a level looks like: its CSS class. */
export function levelClass(l: Level): string {
  return l === "error" || l === "fatal" ? "lv-error" : l === "warn" ? "lv-warn" : "lv-info";
}

/** A record's time of day, UTC, to the millisecond. */
export function clock(ns: number): string {
  if (ns <= 0) return "--:--:--.---";
  const d = new Date(Math.floor(ns / 1e6));
  return d.toISOString().slice(11, 23);
}

/** One record's line as text: what a row shows and what its tooltip says whole. */
export function lineText(r: LogLine): string {
  const ev = r.event_name && r.event_name !== r.body ? `[${r.event_name}] ` : r.event_name ? `[${r.event_name}]` : "";
  return `${ev}${r.event_name === r.body ? "" : r.body}`;
}

// Where the shown traces come from. Every part of the page that acts
// differently for stored traces asks this one value, instead of each
// keeping its own sign of it.

export type Source =
  /** Files opened (the desktop app's Open, or what `tracelens serve` read). */
  | { kind: "files" }
  /** Traces stored in ClickHouse, listed over the last `sinceS` seconds. */
  | { kind: "stored"; sinceS: number }
  /** Spans received over OTLP while the app runs. */
  | { kind: "live" };

let current: Source = { kind: "files" };

export function source(): Source {
  return current;
}

export function setSource(s: Source): void {
  current = s;
  if (s.kind === "stored") document.body.dataset.source = "clickhouse";
  else delete document.body.dataset.source;
}

/** The stored-trace range when the list is ClickHouse's, else null. */
export function storedSince(): number | null {
  return current.kind === "stored" ? current.sinceS : null;
}

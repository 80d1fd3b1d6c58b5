// Durations as people type them in the filters.

/** "30s", "1.5m", "250ms", "900us", "1h" (a bare number is seconds) to ns; null when not a duration. */
export function parseDuration(s: string): number | null {
  const m = s.trim().match(/^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|h)?$/i);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? "s").toLowerCase();
  const k = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[unit] ?? 1e9;
  return n * k;
}

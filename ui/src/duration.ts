// Durations as people type them in the filters.

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/**
 * "30s", "1.5m", "250ms", "900us", "1h" (a bare number is seconds), and
 * the compound forms the app writes ("1m03s", "5h07m"), to ns; null when
 * not a duration.
 */
export function parseDuration(s: string): number | null {
  const t = s.trim().toLowerCase();
  const bare = t.match(/^(\d+(?:\.\d+)?)$/);
  if (bare) return Number(bare[1]) * 1e9;
  if (!/^(\d+(?:\.\d+)?\s*(ns|us|µs|ms|s|m|h)\s*)+$/.test(t)) return null;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(m[1]) * (UNIT_NS[m[2] ?? "s"] ?? 1e9);
  }
  return total;
}

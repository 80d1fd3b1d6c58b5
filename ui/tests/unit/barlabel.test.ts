import { describe, expect, it } from "vitest";
import { durationLabelAt, MarkerThinner, scrollIntoWindow, tickLabels } from "../../src/barlabel";
import { fmtNs } from "../../src/columns";

describe("durationLabelAt", () => {
  it("puts the label after a bar that leaves room", () => {
    expect(durationLabelAt(400, 500, 1000, 50, 300)).toEqual({ x: 504, inside: false });
  });
  it("leaves room for the open-span mark first", () => {
    expect(durationLabelAt(400, 500, 1000, 50, 300, 12)).toEqual({ x: 516, inside: false });
  });
  it("writes inside the end of a bar that reaches the right edge (the root)", () => {
    const at = durationLabelAt(300, 1000, 1000, 50, 300);
    expect(at).toEqual({ x: 946, inside: true });
  });
  it("writes before a short bar at the right edge", () => {
    expect(durationLabelAt(980, 990, 1000, 50, 300)).toEqual({ x: 926, inside: false });
  });
  it("gives up rather than overlap the names", () => {
    expect(durationLabelAt(310, 320, 330, 50, 300)).toBeNull();
  });
});

describe("tickLabels", () => {
  it("keeps absolute labels while they differ", () => {
    expect(tickLabels(0, 10e9, 5, fmtNs)).toEqual(["0ns", "2.00s", "4.00s", "6.00s", "8.00s", "10.00s"]);
  });
  it("switches to offsets when a deep zoom makes neighbours equal", () => {
    const t0 = 534e9;
    const labels = tickLabels(t0, 5e6, 5, fmtNs);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels[0]).toBe(fmtNs(t0));
    expect(labels[1]).toBe(`+${fmtNs(1e6)}`);
  });
});

describe("MarkerThinner", () => {
  it("keeps one marker per pixel and kind", () => {
    const t = new MarkerThinner();
    expect(t.keep(1, 10.2)).toBe(true);
    expect(t.keep(1, 10.4)).toBe(false);
    expect(t.keep(2, 10.4)).toBe(true);
    expect(t.keep(1, 11.6)).toBe(true);
    t.reset();
    expect(t.keep(1, 12)).toBe(true);
  });
});

describe("scrollIntoWindow", () => {
  // Rows 0..5 one after another, 10 ns each.
  const rows = [0, 1, 2, 3, 4, 5];
  const offset = [0, 10, 20, 30, 40, 50];
  const duration = [10, 10, 10, 10, 10, 10];
  it("stays when a row on screen is in the window", () => {
    expect(scrollIntoWindow(rows, offset, duration, 0, 2, 5, 8)).toBeNull();
  });
  it("scrolls to the first row in the window when none on screen is", () => {
    expect(scrollIntoWindow(rows, offset, duration, 0, 2, 41, 48)).toBe(4);
  });
  it("stays when no row is in the window at all", () => {
    expect(scrollIntoWindow(rows, offset, duration, 0, 2, 100, 200)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/duration";

describe("parseDuration", () => {
  it("reads the units people type; a bare number is seconds", () => {
    expect(parseDuration("30s")).toBe(30e9);
    expect(parseDuration("1.5m")).toBe(90e9);
    expect(parseDuration("250ms")).toBe(250e6);
    expect(parseDuration("900us")).toBe(900e3);
    expect(parseDuration("900µs")).toBe(900e3);
    expect(parseDuration(" 2 ")).toBe(2e9);
    expect(parseDuration("1H")).toBe(3600e9);
  });

  it("reads back what the app writes", () => {
    expect(parseDuration("1m03s")).toBe(63e9);
    expect(parseDuration("5h07m")).toBe(307 * 60e9);
    expect(parseDuration("59.95s")).toBe(59.95e9);
  });

  it("refuses what is not a duration", () => {
    for (const s of ["", "fast", "-1s", "1x", "1.2.3s", "1m03", "s"]) expect(parseDuration(s)).toBeNull();
  });
});

// How a log record reads as a line.
import { describe, expect, it } from "vitest";
import { clock, levelClass, lineText } from "../../src/logline";
import type { LogLine } from "../../src/wire";

function rec(body: string, event_name: string | null = null): LogLine {
  return {
    index: 0,
    time_unix_nano: 1_700_000_000_123_000_000,
    level: "info",
    severity_text: "",
    body,
    event_name,
    kind: event_name ? "event" : "log",
    trace_id: null,
    span_id: null,
    span_name: null,
    node: null,
    attached_by: "unattached",
    service: null,
    logger: null,
    attributes: {},
  };
}

describe("log lines", () => {
  it("show the time of day in UTC to the millisecond, dashes when unknown", () => {
    expect(clock(1_700_000_000_123_000_000)).toBe("22:13:20.123");
    expect(clock(0)).toBe("--:--:--.---");
  });
  it("put an event's name before its body, once", () => {
    expect(lineText(rec("search failed"))).toBe("search failed");
    expect(lineText(rec("hello", "gen_ai.choice"))).toBe("[gen_ai.choice] hello");
    expect(lineText(rec("agent_started", "agent_started"))).toBe("[agent_started]");
  });
  it("colour warnings and errors apart", () => {
    expect(levelClass("fatal")).toBe("lv-error");
    expect(levelClass("warn")).toBe("lv-warn");
    expect(levelClass("debug")).toBe("lv-info");
  });
});

describe("counts", () => {
  it("read singular for one", async () => {
    const { count } = await import("../../src/dom");
    expect(count(1, "span")).toBe("1 span");
    expect(count(3, "span")).toBe("3 spans");
    expect(count(1, "match", "matches")).toBe("1 match");
    expect(count(0, "match", "matches")).toBe("0 matches");
  });
});

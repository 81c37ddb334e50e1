import { describe, expect, it } from "vitest";
import { childContext, formatTraceparent, parseTraceparent } from "../../src/lib/trace-context";
import { groupEvents } from "../../src/observability/worker-telemetry";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";

describe("W3C traceparent", () => {
  it("reads a version-00 header and writes it back the same", () => {
    const header = `00-${TRACE}-${SPAN}-01`;
    expect(parseTraceparent(header)).toEqual({ traceId: TRACE, spanId: SPAN, sampled: true });
    expect(formatTraceparent(parseTraceparent(header)!)).toBe(header);
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.sampled).toBe(false);
    // Only the sampled bit counts among the flags.
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-03`)?.sampled).toBe(true);
  });

  it("reads a later version's header by its version-00 fields", () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-what-comes-later`)).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      sampled: true,
    });
  });

  it.each([
    ["an all-zero trace id", `00-${"0".repeat(32)}-${SPAN}-01`],
    ["an all-zero span id", `00-${TRACE}-${"0".repeat(16)}-01`],
    ["version ff", `ff-${TRACE}-${SPAN}-01`],
    ["version 00 with more fields", `00-${TRACE}-${SPAN}-01-extra`],
    ["upper-case hex", `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ["a short trace id", `00-${TRACE.slice(1)}-${SPAN}-01`],
    ["nothing", ""],
  ])("refuses %s", (_case, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it("makes a child in the same trace with a new span, or starts an unsampled trace", () => {
    const parent = { traceId: TRACE, spanId: SPAN, sampled: true };
    const child = childContext(parent);
    expect(child.traceId).toBe(TRACE);
    expect(child.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(child.spanId).not.toBe(SPAN);
    expect(child.sampled).toBe(true);
    const root = childContext(undefined);
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.sampled).toBe(false);
    expect(childContext(undefined).traceId).not.toBe(root.traceId);
  });
});

describe("Workers telemetry's grouping", () => {
  it("adds like events up: a count, the sum and the largest of their measure", () => {
    const groups = groupEvents([
      { kind: "attempt", channel: "webhook", outcome: "delivered", durationMs: 40 },
      { kind: "attempt", channel: "webhook", outcome: "delivered", durationMs: 100 },
      { kind: "attempt", channel: "slack", outcome: "retry", durationMs: 7 },
      { kind: "settled", channel: "webhook", status: "FAILED" },
      { kind: "notifications", type: "incidents/alerts", count: 3 },
    ]);
    expect(groups).toEqual([
      { kind: "attempt", labels: { channel: "webhook", outcome: "delivered" }, count: 2, sum: 140, max: 100 },
      { kind: "attempt", labels: { channel: "slack", outcome: "retry" }, count: 1, sum: 7, max: 7 },
      { kind: "settled", labels: { channel: "webhook", status: "FAILED" }, count: 1, sum: 0, max: 0 },
      { kind: "notifications", labels: { type: "incidents/alerts" }, count: 3, sum: 0, max: 0 },
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { suppressionKey } from "../../src/delivery/fanout";

describe("suppressionKey", () => {
  it.each([
    { payload: { long_incident_id: "L-1", incident_id: "I-1" }, key: "incident:L-1" },
    { payload: { incident_id: "I-1" }, key: "incident:I-1" },
    { payload: { long_incident_id: "", incident_id: "I-2" }, key: "incident:I-2" },
    { payload: { long_incident_id: 42 }, key: "any" },
    { payload: {}, key: "any" },
  ])("$payload → $key", ({ payload, key }) => {
    expect(suppressionKey({ payload })).toBe(key);
  });
});

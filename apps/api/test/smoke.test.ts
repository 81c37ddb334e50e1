import { describe, expect, it } from "vitest";
import { ACME, call, login } from "./helpers";

describe("smoke", () => {
  it("logs in and lists notification types", async () => {
    const token = await login(ACME);
    const result = await call("GET", "/herald/v2/notification_types", { token });
    expect(result.status).toBe(200);
    expect(result.body.notification_types.map((t: { notification_type: string }) => t.notification_type)).toContain(
      "incidents/alerts",
    );
  });
});

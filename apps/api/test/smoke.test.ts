import { describe, expect, it } from "vitest";
import { ACME, heraldAs, session } from "./helpers";

describe("smoke", () => {
  it("logs in and lists notification types through the typed client", async () => {
    const acme = heraldAs(await session(ACME));
    const { notification_types } = await acme.getNotificationTypes();
    expect(notification_types.map((t) => t.notification_type)).toContain("incidents/alerts");
  });
});

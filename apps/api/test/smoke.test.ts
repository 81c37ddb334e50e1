import { describe, expect, it } from "vitest";
import { ACME, heraldAs, session } from "./helpers";
import { signedIn } from "./setup/sessions";

const { acme } = signedIn("acme");

describe("smoke", () => {
  it("logs in and lists notification types through the typed client", async () => {
    const herald = heraldAs(await session(ACME));
    const { notification_types } = await herald.getNotificationTypes();
    expect(notification_types.map((t) => t.notification_type)).toContain("incidents/alerts");
  });

  it("gives each session signed in for the file its own typed client", async () => {
    const { notification_types } = await acme.herald.getNotificationTypes();
    expect(notification_types.map((t) => t.notification_type)).toContain("incidents/alerts");
    expect((await acme.herald.tokenInfo()).account.id).toBe(ACME.accountId);
  });
});

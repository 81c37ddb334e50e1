import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  claimDeliveries,
  deliveries,
  insertIntegration,
  newLeg,
  notifications,
  recordAttempts,
  ticketIncidentKey,
  ticketLinks,
} from "../src";
import { integrationRow, newId, storedNotification, useTestDb } from "./support";

const t = useTestDb();

/** An integration and `legs` notifications about `payload`'s incident, each with a leg to it waiting. */
async function incident(payload: Record<string, unknown>, legs: number, type: "jira" | "slack" = "jira") {
  const { id: notificationId, accountId } = await storedNotification(t.db, "dispatched", 0);
  await t.db.update(notifications).set({ payload }).where(eq(notifications.id, notificationId));
  const integrationId = newId();
  await insertIntegration(
    t.db,
    integrationRow({ id: integrationId, accountId, name: type, type, targetUrl: "https://acme.atlassian.net" }),
  );
  // One leg per notification and integration: each leg here is another notification about the same incident.
  const [first] = await t.db.select().from(notifications).where(eq(notifications.id, notificationId));
  const ids = [notificationId, ...Array.from({ length: legs - 1 }, () => newId())];
  if (ids.length > 1) await t.db.insert(notifications).values(ids.slice(1).map((id) => ({ ...first!, id })));
  const rows = ids.map((id) =>
    newLeg({
      id: newId(),
      accountId,
      notificationId: id,
      subscriptionId: newId(),
      channel: "webhook",
      destination: integrationId,
      createdAt: 0,
    }),
  );
  await t.db.insert(deliveries).values(rows);
  return { accountId, integrationId, legs: rows.map((leg) => leg.id) };
}

const linkOf = async (integrationId: string) =>
  t.db.select().from(ticketLinks).where(eq(ticketLinks.integrationId, integrationId));

describe("ticket links", () => {
  it("one batch reserves a new incident's opening; another sees the reservation, then the link it became", async () => {
    const { accountId, integrationId, legs } = await incident({ long_incident_id: "INC-1" }, 3);
    const key = `${integrationId}/INC-1`;
    const a = await claimDeliveries(t.db, [legs[0]!], 1_000, 30_000, "batch-a");
    expect(a.ticketLinks.get(key)).toMatchObject({ ticketKey: "", openingBy: "batch-a", openingUntil: 31_000 });
    const b = await claimDeliveries(t.db, [legs[1]!], 2_000, 30_000, "batch-b");
    expect(b.ticketLinks.get(key)).toMatchObject({ ticketKey: "", openingBy: "batch-a" });

    const ticket = { accountId, integrationId, incidentKey: "INC-1", ticketKey: "SEC-1", ticketId: "10001" };
    await recordAttempts(t.db, { records: [], now: 3_000, tickets: [ticket], ticketBatch: "batch-a" });
    // batch-b's claim reserved nothing (a's reservation held); recording its empty batch drops none of a's work.
    await recordAttempts(t.db, { records: [], now: 3_000, ticketBatch: "batch-b" });
    const c = await claimDeliveries(t.db, [legs[2]!], 4_000, 30_000, "batch-c");
    expect(c.ticketLinks.get(key)).toMatchObject({ ticketKey: "SEC-1", ticketId: "10001", openingBy: null });
    expect(await linkOf(integrationId)).toHaveLength(1);
  });

  it("drops a reservation that opened nothing, and lets a later batch take over one that ran out", async () => {
    const { integrationId, legs } = await incident({ incident_id: 42 }, 3);
    expect(ticketIncidentKey({ incident_id: 42 })).toBe("42");
    await claimDeliveries(t.db, [legs[0]!], 1_000, 30_000, "batch-a");
    await recordAttempts(t.db, { records: [], now: 2_000, ticketBatch: "batch-a" });
    expect(await linkOf(integrationId)).toEqual([]);

    await claimDeliveries(t.db, [legs[1]!], 3_000, 30_000, "batch-b");
    // batch-b's consumer died; its reservation runs out at 33,000.
    const late = await claimDeliveries(t.db, [legs[2]!], 34_000, 30_000, "batch-c");
    expect(late.ticketLinks.get(`${integrationId}/42`)).toMatchObject({ openingBy: "batch-c", openingUntil: 64_000 });
  });

  it("a reopened ticket replaces only the deleted one, and no reservation is made for other types", async () => {
    const { accountId, integrationId, legs } = await incident({ long_incident_id: "INC-2" }, 1);
    const link = { accountId, integrationId, incidentKey: "INC-2" };
    await recordAttempts(t.db, { records: [], now: 1, tickets: [{ ...link, ticketKey: "SEC-1", ticketId: "1" }] });
    const reopen = (ticketKey: string) => ({ ...link, ticketKey, ticketId: ticketKey, replaces: "SEC-1" });
    await recordAttempts(t.db, { records: [], now: 2, tickets: [reopen("SEC-2")] });
    await recordAttempts(t.db, { records: [], now: 3, tickets: [reopen("SEC-3")] });
    expect((await linkOf(integrationId)).map((row) => row.ticketKey)).toEqual(["SEC-2"]);
    expect((await claimDeliveries(t.db, legs, 4, 30_000, "batch")).ticketLinks.size).toBe(1);

    const slack = await incident({ long_incident_id: "INC-3" }, 1, "slack");
    expect((await claimDeliveries(t.db, slack.legs, 4, 30_000, "batch")).ticketLinks.size).toBe(0);
    expect(await linkOf(slack.integrationId)).toEqual([]);
  });
});

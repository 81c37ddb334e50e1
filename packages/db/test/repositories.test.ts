import { describe, expect, it } from "vitest";
import {
  applySubscriberChanges,
  deleteAccessKeys,
  deleteIntegration,
  deleteSubscriptions,
  existingAccessKeyIds,
  findAccessKey,
  findAccount,
  findNotificationType,
  insertIntegration,
  insertNotification,
  insertSubscription,
  listNotificationTypes,
  listSubscribers,
  listSubscriptions,
  type NotificationRow,
  pageNotificationsByType,
  provisionAccount,
  type SubscriberRow,
  type SubscriptionRow,
} from "../src";
import { integrationRow, newId, notificationRow, provisionedAccount, uniqueAccountId, useTestDb } from "./support";

const t = useTestDb();

const account = () => provisionedAccount(t.db);

function subscription(accountId: string, overrides: Partial<SubscriptionRow> = {}): SubscriptionRow {
  return {
    id: newId(),
    accountId,
    name: "s",
    class: "event",
    notificationType: "incidents/alerts",
    externalId: null,
    active: true,
    options: null,
    filters: null,
    template: null,
    suppressionInterval: null,
    createdAt: 1,
    createdBy: "U",
    modifiedAt: 1,
    modifiedBy: "U",
    ...overrides,
  };
}

function subscriber(
  accountId: string,
  subscriptionId: string,
  id: string,
  type: "user" | "connection" = "user",
): SubscriberRow {
  return { id: newId(), accountId, subscriptionId, subscriber: id, subscriberType: type, createdAt: 1, createdBy: "U" };
}

describe("migrations", () => {
  it("seed the notification types producers and the console use", async () => {
    const types = (await listNotificationTypes(t.db)).map((row) => row.notificationType);
    expect(types).toEqual(
      expect.arrayContaining([
        "incidents/alerts",
        "incidents/notification",
        "observations/notification",
        "health/alerts",
        "report/scheduled",
        "tableau/notifications",
        "search/notifications",
      ]),
    );
    const incidents = await findNotificationType(t.db, "incidents/alerts");
    expect(incidents?.templates).toContain(incidents?.defaultTemplate);
  });
});

describe("accounts", () => {
  it("provisioning twice updates in place and the key finds its owner", async () => {
    const id = await account();
    await provisionAccount(t.db, {
      account: { id, name: "Renamed", active: false },
      user: { id: `U-${id}`, name: "User 2" },
      key: { id: `key-${id}`, secretHash: "hash2", role: "read" },
      now: 2,
    });
    const found = await findAccessKey(t.db, `key-${id}`);
    expect(found?.account).toMatchObject({ id, name: "Renamed", active: false });
    expect(found?.user.name).toBe("User 2");
    expect(found?.key).toMatchObject({ secretHash: "hash2", role: "read" });
    expect(await findAccessKey(t.db, "no-such-key")).toBeUndefined();
  });

  it("finds and deletes access keys by id, keeping their accounts", async () => {
    const [first, second] = [await account(), await account()];
    const keys = [`key-${first}`, `key-${second}`, "no-such-key"];
    expect((await existingAccessKeyIds(t.db, keys)).sort()).toEqual([`key-${first}`, `key-${second}`].sort());
    expect(await deleteAccessKeys(t.db, [`key-${first}`, "no-such-key"])).toEqual([`key-${first}`]);
    expect(await existingAccessKeyIds(t.db, keys)).toEqual([`key-${second}`]);
    expect(await findAccessKey(t.db, `key-${first}`)).toBeUndefined();
    expect(await findAccount(t.db, first)).toMatchObject({ id: first });
  });

  it("never moves a user or a key to another account", async () => {
    const first = await account();
    const second = uniqueAccountId();
    const input = (overrides: { userId?: string; keyId?: string }) => ({
      account: { id: second, name: "Second" },
      user: { id: overrides.userId ?? `U-${second}`, name: "User" },
      key: { id: overrides.keyId ?? `key-${second}`, secretHash: "hash", role: "admin" as const },
      now: 3,
    });
    await expect(provisionAccount(t.db, input({ userId: `U-${first}` }))).rejects.toThrow(/belongs to account/);
    await expect(provisionAccount(t.db, input({ keyId: `key-${first}` }))).rejects.toThrow(/belongs to account/);
    expect((await findAccessKey(t.db, `key-${first}`))?.account.id).toBe(first);
  });
});

describe("subscriptions", () => {
  it("lists only the account's own subscriptions, with each filter", async () => {
    const mine = await account();
    const theirs = await account();
    const a = subscription(mine);
    const b = subscription(mine, { class: "schedule", externalId: "X1", notificationType: "report/scheduled" });
    await insertSubscription(t.db, a, []);
    await insertSubscription(t.db, b, []);
    await insertSubscription(t.db, subscription(theirs), []);

    expect((await listSubscriptions(t.db, mine, {})).map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
    expect((await listSubscriptions(t.db, mine, { class: "schedule" })).map((s) => s.id)).toEqual([b.id]);
    expect((await listSubscriptions(t.db, mine, { externalId: "X1" })).map((s) => s.id)).toEqual([b.id]);
    expect((await listSubscriptions(t.db, mine, { notificationType: "incidents/alerts" })).map((s) => s.id)).toEqual([
      a.id,
    ]);
  });

  it("stores initial subscribers with the subscription, collapsing repeats", async () => {
    const mine = await account();
    const s = subscription(mine);
    await insertSubscription(t.db, s, [
      subscriber(mine, s.id, "U1"),
      subscriber(mine, s.id, "U1"),
      subscriber(mine, s.id, "U2"),
    ]);
    expect((await listSubscribers(t.db, mine, [s.id])).map((row) => row.subscriber).sort()).toEqual(["U1", "U2"]);
  });

  it("writes nothing when the batch fails part-way", async () => {
    const mine = await account();
    const s = subscription(mine);
    // A subscriber of a subscription that does not exist violates the foreign key: the whole batch rolls back.
    const orphan = subscriber(mine, "NO-SUCH-SUBSCRIPTION", "U1");
    await t.db.run("PRAGMA foreign_keys = ON");
    await expect(insertSubscription(t.db, s, [orphan])).rejects.toThrow();
    expect(await listSubscriptions(t.db, mine, {})).toEqual([]);
  });

  it("deletes only the account's subscriptions, with their subscribers", async () => {
    const mine = await account();
    const theirs = await account();
    const a = subscription(mine);
    const foreign = subscription(theirs);
    await insertSubscription(t.db, a, [subscriber(mine, a.id, "U1")]);
    await insertSubscription(t.db, foreign, [subscriber(theirs, foreign.id, "U1")]);

    const deleted = await deleteSubscriptions(t.db, mine, [a.id, foreign.id]);
    expect(deleted).toEqual([a.id]);
    expect(await listSubscribers(t.db, mine, [a.id])).toEqual([]);
    expect(await listSubscriptions(t.db, theirs, {})).toHaveLength(1);
    expect(await listSubscribers(t.db, theirs, [foreign.id])).toHaveLength(1);
  });

  it("applies subscriber additions and removals together", async () => {
    const mine = await account();
    const s = subscription(mine);
    await insertSubscription(t.db, s, [subscriber(mine, s.id, "U1"), subscriber(mine, s.id, "U3")]);
    await applySubscriberChanges(t.db, mine, s.id, {
      // U3 is already there: adding it again is a no-op, not an error that would undo the rest.
      add: [subscriber(mine, s.id, "U2"), subscriber(mine, s.id, "U3")],
      remove: [{ subscriber: "U1", subscriberType: "user" }],
    });
    expect((await listSubscribers(t.db, mine, [s.id])).map((row) => row.subscriber).sort()).toEqual(["U2", "U3"]);
  });
});

describe("integrations", () => {
  it("deleting one unsubscribes it from every subscription of the account", async () => {
    const mine = await account();
    const integrationId = newId();
    await insertIntegration(
      t.db,
      integrationRow({
        id: integrationId,
        accountId: mine,
        name: "hook",
        type: "webhook",
        targetUrl: "https://hooks.example.com",
      }),
    );
    const s = subscription(mine);
    await insertSubscription(t.db, s, [
      subscriber(mine, s.id, integrationId, "connection"),
      subscriber(mine, s.id, "U1"),
    ]);

    expect(await deleteIntegration(t.db, mine, integrationId)).toBe(true);
    expect((await listSubscribers(t.db, mine, [s.id])).map((row) => row.subscriber)).toEqual(["U1"]);
    expect(await deleteIntegration(t.db, mine, integrationId)).toBe(false);
  });
});

describe("notification pages", () => {
  async function seedNotifications(accountId: string, type: string, createdAts: number[]): Promise<NotificationRow[]> {
    const rows = createdAts.map((createdAt) => notificationRow({ id: newId(), accountId, type, createdAt }));
    for (const row of rows) await insertNotification(t.db, row);
    return rows;
  }

  async function walk(accountId: string, type: string, order: "asc" | "desc", limit: number, window = {}) {
    const seen: string[] = [];
    let after: { createdAt: number; id: string } | undefined;
    const totals = new Set<number>();
    for (let page = 0; page < 100; page += 1) {
      const result = await pageNotificationsByType(t.db, { accountId, type, order, limit, after, ...window });
      totals.add(result.totalCount);
      seen.push(...result.rows.map((row) => row.id));
      if (!result.next) return { seen, totals };
      after = result.next;
    }
    throw new Error("pagination did not end");
  }

  it.each(["asc", "desc"] as const)(
    "walks every row once in %s order, ties within a millisecond included",
    async (order) => {
      const mine = await account();
      // Three rows share one millisecond: the id breaks the tie, so none is skipped or repeated across pages.
      const rows = await seedNotifications(mine, "incidents/alerts", [1000, 2000, 2000, 2000, 3000, 4000, 5000]);
      await seedNotifications(await account(), "incidents/alerts", [1500, 2500]);
      await seedNotifications(mine, "health/alerts", [2500]);

      const expected = [...rows]
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
        .map((row) => row.id);
      if (order === "desc") expected.reverse();

      const { seen, totals } = await walk(mine, "incidents/alerts", order, 2);
      expect(seen).toEqual(expected);
      expect([...totals]).toEqual([7]);
    },
  );

  it("applies since (inclusive) and until (exclusive) to rows and total", async () => {
    const mine = await account();
    const rows = await seedNotifications(mine, "incidents/alerts", [1000, 2000, 3000, 4000]);
    const { seen, totals } = await walk(mine, "incidents/alerts", "asc", 10, { since: 2000, until: 4000 });
    expect(seen).toEqual([rows[1]?.id, rows[2]?.id]);
    expect([...totals]).toEqual([2]);
  });
});

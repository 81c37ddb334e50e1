import { describe, expect, it } from "vitest";
import { ACME, call, expectHeraldError, GLOBEX, typedCall } from "./helpers";
import * as notifications from "./setup/notifications";
import { notificationBody } from "./setup/notifications";
import { signedIn } from "./setup/sessions";

// Who may send and read notifications: the read-only role reads but never sends, callers without a token get 401, and
// another account's notifications are 403 through its path and 404 everywhere else (contract §2.2.1–2.2.5).

const ACME_ID = ACME.accountId;
const GLOBEX_ID = GLOBEX.accountId;

const { acme, reader, globex, platform } = signedIn("acme", "reader", "globex", "platform");

describe("POST /herald/v2/{account_id}/notifications (sent_notification)", () => {
  it("answers 403 to a read-only token, and stores nothing", async () => {
    const type = await notifications.freshType(platform);
    const result = await notifications.post(reader, notificationBody(type));
    expectHeraldError(result, 403, "forbidden");
    expect(await notifications.ids(acme, type)).toEqual([]);
  });

  it("answers 403 for another account, and stores nothing there", async () => {
    const type = await notifications.freshType(platform);
    const result = await notifications.post(acme, notificationBody(type), GLOBEX_ID);
    expectHeraldError(result, 403, "forbidden");
    expect(await notifications.ids(globex, type)).toEqual([]);
    expect(await notifications.ids(acme, type)).toEqual([]);
  });

  it("answers 401 without a token", async () => {
    const type = await notifications.freshType(platform);
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, { body: notificationBody(type) });
    expectHeraldError(result, 401, "unauthorized");
    expect(await notifications.ids(acme, type)).toEqual([]);
  });
});

describe("GET /herald/v2/notifications/{notification_id} (get_notification)", () => {
  it("lets any member of the account read it", async () => {
    const type = await notifications.freshType(platform);
    const sent = await notifications.send(acme, type);
    const result = await typedCall(reader, (herald) => herald.getNotification(sent.id));
    expect(result.status).toBe(200);
    expect(result.body.id).toBe(sent.id);
  });

  it("answers 404, not 403, for another account's notification", async () => {
    const type = await notifications.freshType(platform);
    const sent = await notifications.send(acme, type);
    const result = await call("GET", `/herald/v2/notifications/${sent.id}`, { token: globex.token });
    expectHeraldError(result, 404, "not_found");
    expect(result.body.payload).toBeUndefined();
  });

  it("answers 401 without a token", async () => {
    const type = await notifications.freshType(platform);
    const sent = await notifications.send(acme, type);
    expectHeraldError(await call("GET", `/herald/v2/notifications/${sent.id}`), 401, "unauthorized");
  });
});

describe("GET /herald/v2/{account_id}/notifications/{notification_id} (get_account_notification)", () => {
  it("answers 403 on another account's path", async () => {
    const type = await notifications.freshType(platform);
    const theirs = await notifications.send(globex, type);
    const result = await call("GET", `/herald/v2/${GLOBEX_ID}/notifications/${theirs.id}`, { token: acme.token });
    expectHeraldError(result, 403, "forbidden");
  });

  it("answers 404 on my path with another account's id", async () => {
    const type = await notifications.freshType(platform);
    const theirs = await notifications.send(globex, type);
    const result = await call("GET", `/herald/v2/${ACME_ID}/notifications/${theirs.id}`, { token: acme.token });
    expectHeraldError(result, 404, "not_found");
    // The owner still reads it.
    expect((await typedCall(globex, (herald) => herald.getAccountNotification(theirs.id))).status).toBe(200);
  });
});

describe("GET /herald/v2/{account_id}/notifications/{type} (get_account_notification_by_type)", () => {
  it("never shows another account's notifications of the same type", async () => {
    const type = await notifications.freshType(platform);
    const mine = await notifications.sendMany(acme, 2, type);
    const theirs = await notifications.sendMany(globex, 3, type);

    const acmePage = await notifications.page(acme, type);
    expect(acmePage.total_count).toBe(2);
    expect(acmePage.notifications.map((n) => n.id).sort()).toEqual([...mine].sort());

    const globexPage = await notifications.page(globex, type);
    expect(globexPage.total_count).toBe(3);
    expect(globexPage.notifications.map((n) => n.id).sort()).toEqual([...theirs].sort());
  });

  it("answers 403 for another account's listing", async () => {
    const type = await notifications.freshType(platform);
    await notifications.sendMany(globex, 1, type);
    const result = await notifications.pageAt(acme, type, "", GLOBEX_ID);
    expectHeraldError(result, 403, "forbidden");
    expect(result.body.notifications).toBeUndefined();
  });

  it("lets a read-only member list", async () => {
    const type = await notifications.freshType(platform);
    const ids = await notifications.sendMany(acme, 1, type);
    expect(await notifications.ids(reader, type)).toEqual(ids);
  });
});

describe("GET /herald/v2/{account_id}/notifications/type/incidents/alerts/{long_incident_id}", () => {
  const path = (accountId: string, longIncidentId: string) =>
    `/herald/v2/${accountId}/notifications/type/incidents/alerts/${longIncidentId}`;

  it("never lists another account's sends for the same incident id", async () => {
    const longIncidentId = `long-${crypto.randomUUID()}`;
    await notifications.send(globex, "incidents/alerts", {
      payload: { long_incident_id: longIncidentId },
    });
    const result = await typedCall(acme, (herald) => herald.getSentIncidentNotifications(longIncidentId));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ notifications: [] });
  });

  it("answers 403 for another account", async () => {
    const result = await call("GET", path(GLOBEX_ID, "some-incident"), { token: acme.token });
    expectHeraldError(result, 403, "forbidden");
  });

  it("answers 401 without a token", async () => {
    expectHeraldError(await call("GET", path(ACME_ID, "some-incident")), 401, "unauthorized");
  });
});

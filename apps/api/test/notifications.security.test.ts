import { describe, expect, it } from "vitest";
import { ACME, ACME_READER, call, expectHeraldError, GLOBEX, PLATFORM } from "./helpers";
import {
  createNotificationType,
  idsOfType,
  listByType,
  notificationBody,
  sendNotification,
} from "./notification-factories";
import { signedIn } from "./setup/sessions";

// Who may send and read notifications: the read-only role reads but never sends, callers without a token get 401, and
// another account's notifications are 403 through its path and 404 everywhere else (contract §2.2.1–2.2.5).

const ACME_ID = ACME.accountId;
const GLOBEX_ID = GLOBEX.accountId;

const { acme, reader, globex, platform } = signedIn({
  acme: ACME,
  reader: ACME_READER,
  globex: GLOBEX,
  platform: PLATFORM,
});

const freshType = () => createNotificationType(platform.token);

describe("POST /herald/v2/{account_id}/notifications (sent_notification)", () => {
  it("answers 403 to a read-only token, and stores nothing", async () => {
    const type = await freshType();
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: reader.token,
      body: notificationBody(type),
    });
    expectHeraldError(result, 403, "forbidden");
    expect(await idsOfType(acme.token, ACME_ID, type)).toEqual([]);
  });

  it("answers 403 for another account, and stores nothing there", async () => {
    const type = await freshType();
    const result = await call("POST", `/herald/v2/${GLOBEX_ID}/notifications`, {
      token: acme.token,
      body: notificationBody(type),
    });
    expectHeraldError(result, 403, "forbidden");
    expect(await idsOfType(globex.token, GLOBEX_ID, type)).toEqual([]);
    expect(await idsOfType(acme.token, ACME_ID, type)).toEqual([]);
  });

  it("answers 401 without a token", async () => {
    const type = await freshType();
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, { body: notificationBody(type) });
    expectHeraldError(result, 401, "unauthorized");
    expect(await idsOfType(acme.token, ACME_ID, type)).toEqual([]);
  });
});

describe("GET /herald/v2/notifications/{notification_id} (get_notification)", () => {
  it("lets any member of the account read it", async () => {
    const type = await freshType();
    const sent = await sendNotification(acme.token, ACME_ID, type);
    const result = await call("GET", `/herald/v2/notifications/${sent.id}`, { token: reader.token });
    expect(result.status).toBe(200);
    expect(result.body.id).toBe(sent.id);
  });

  it("answers 404, not 403, for another account's notification", async () => {
    const type = await freshType();
    const sent = await sendNotification(acme.token, ACME_ID, type);
    const result = await call("GET", `/herald/v2/notifications/${sent.id}`, { token: globex.token });
    expectHeraldError(result, 404, "not_found");
    expect(result.body.payload).toBeUndefined();
  });

  it("answers 401 without a token", async () => {
    const type = await freshType();
    const sent = await sendNotification(acme.token, ACME_ID, type);
    expectHeraldError(await call("GET", `/herald/v2/notifications/${sent.id}`), 401, "unauthorized");
  });
});

describe("GET /herald/v2/{account_id}/notifications/{notification_id} (get_account_notification)", () => {
  it("answers 403 on another account's path", async () => {
    const type = await freshType();
    const theirs = await sendNotification(globex.token, GLOBEX_ID, type);
    const result = await call("GET", `/herald/v2/${GLOBEX_ID}/notifications/${theirs.id}`, { token: acme.token });
    expectHeraldError(result, 403, "forbidden");
  });

  it("answers 404 on my path with another account's id", async () => {
    const type = await freshType();
    const theirs = await sendNotification(globex.token, GLOBEX_ID, type);
    const result = await call("GET", `/herald/v2/${ACME_ID}/notifications/${theirs.id}`, { token: acme.token });
    expectHeraldError(result, 404, "not_found");
    // The owner still reads it.
    expect(
      (await call("GET", `/herald/v2/${GLOBEX_ID}/notifications/${theirs.id}`, { token: globex.token })).status,
    ).toBe(200);
  });
});

describe("GET /herald/v2/{account_id}/notifications/{type} (get_account_notification_by_type)", () => {
  async function sendMany(count: number, type: string, token = acme.token, accountId = ACME_ID) {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await sendNotification(token, accountId, type, { payload: { i } })).id);
    return ids;
  }

  it("never shows another account's notifications of the same type", async () => {
    const type = await freshType();
    const mine = await sendMany(2, type);
    const theirs = await sendMany(3, type, globex.token, GLOBEX_ID);

    const acmePage = await listByType(acme.token, ACME_ID, type);
    expect(acmePage.body.total_count).toBe(2);
    expect(acmePage.body.notifications.map((n: { id: string }) => n.id).sort()).toEqual([...mine].sort());

    const globexPage = await listByType(globex.token, GLOBEX_ID, type);
    expect(globexPage.body.total_count).toBe(3);
    expect(globexPage.body.notifications.map((n: { id: string }) => n.id).sort()).toEqual([...theirs].sort());
  });

  it("answers 403 for another account's listing", async () => {
    const type = await freshType();
    await sendMany(1, type, globex.token, GLOBEX_ID);
    const result = await listByType(acme.token, GLOBEX_ID, type);
    expectHeraldError(result, 403, "forbidden");
    expect(result.body.notifications).toBeUndefined();
  });

  it("lets a read-only member list", async () => {
    const type = await freshType();
    const ids = await sendMany(1, type);
    expect(await idsOfType(reader.token, ACME_ID, type)).toEqual(ids);
  });
});

describe("GET /herald/v2/{account_id}/notifications/type/incidents/alerts/{long_incident_id}", () => {
  const path = (accountId: string, longIncidentId: string) =>
    `/herald/v2/${accountId}/notifications/type/incidents/alerts/${longIncidentId}`;

  it("never lists another account's sends for the same incident id", async () => {
    const longIncidentId = `long-${crypto.randomUUID()}`;
    await sendNotification(globex.token, GLOBEX_ID, "incidents/alerts", {
      payload: { long_incident_id: longIncidentId },
    });
    const result = await call("GET", path(ACME_ID, longIncidentId), { token: acme.token });
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

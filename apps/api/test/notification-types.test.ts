import type { NotificationType, RequestBody } from "@herald/client";
import { describe, expect, it } from "vitest";
import { call, expectHeraldError, typedCall, unique } from "./helpers";
import { createNotificationType, notificationBody } from "./notification-factories";
import { subscriptionBody } from "./setup/fixtures";
import { signedIn } from "./setup/sessions";

const sessions = signedIn("acme", "globex", "platform", "reader", "writer", "dormant");
const { acme, globex, platform } = sessions;
const TYPES = "/herald/v2/notification_types";

async function listTypes(): Promise<NotificationType[]> {
  const result = await typedCall(acme, (herald) => herald.getNotificationTypes());
  expect(result.status).toBe(200);
  return result.body.notification_types;
}

async function findType(key: string): Promise<NotificationType | undefined> {
  return (await listTypes()).find((type) => type.notification_type === key);
}

function newTypeBody(overrides: Record<string, unknown> = {}) {
  return {
    notification_type: `${unique("nt")}/${unique("kind")}`,
    name: unique("Name"),
    default_template: "incidents_template",
    templates: ["incidents_template", "log_review_created"],
    default_email_subject: "Subject",
    ...overrides,
  } as RequestBody<"create_notification_type">;
}

/** Creates a type as the platform administrator (201); answers the typed answer with its status. */
const createType = (body: RequestBody<"create_notification_type">) =>
  typedCall(platform, (herald) => herald.createNotificationType(body));

/** PUT a type that must change (200), as the platform administrator. */
const updateType = (key: string, body: RequestBody<"update_notification_type">) =>
  typedCall(platform, (herald) => herald.updateNotificationType(key, body));

describe("GET /herald/v2/notification_types", () => {
  const SEEDED = [
    ["incidents/alerts", "Incidents"],
    ["incidents/notification", "Incident Notifications"],
    ["observations/notification", "Observations"],
    ["health/alerts", "Health Alerts"],
    ["report/scheduled", "Scheduled Reports"],
    ["tableau/notifications", "Scheduled Tableau Reports"],
    ["search/notifications", "Scheduled Searches"],
  ];

  it.each(["acme", "globex", "platform", "reader", "writer", "dormant"] as const)(
    "answers {notification_types} to any authenticated token (%s)",
    async (who) => {
      const result = await typedCall(sessions[who], (herald) => herald.getNotificationTypes());
      expect(result.status).toBe(200);
      expect(Object.keys(result.body)).toEqual(["notification_types"]);
      const keys = result.body.notification_types.map((type) => type.notification_type);
      for (const [key] of SEEDED) expect(keys).toContain(key);
    },
  );

  it.each(SEEDED)("lists the seeded type %s with its name, templates and subject", async (key, name) => {
    const type = await findType(key as string);
    expect(type).toEqual({
      notification_type: key,
      name,
      default_template: expect.any(String),
      templates: expect.any(Array),
      default_email_subject: expect.any(String),
    });
    expect(type?.default_template).not.toBe("");
    expect(type?.default_email_subject).not.toBe("");
    expect(type?.templates.length).toBeGreaterThan(0);
    expect(type?.templates).toContain(type?.default_template);
  });

  it("answers 401 without a token", async () => {
    expectHeraldError(await call("GET", TYPES), 401, "unauthorized");
  });
});

describe("POST /herald/v2/notification_types", () => {
  it("creates a type for a platform administrator: 201, listed, and usable by notifications", async () => {
    const body = newTypeBody();
    const result = await createType(body);
    expect(result.status).toBe(201);
    expect(result.body).toEqual(body);
    expect(await findType(body.notification_type)).toEqual(body);

    const sent = await typedCall(acme, (herald) => herald.sentNotification(notificationBody(body.notification_type)));
    expect(sent.status).toBe(202);
  });

  it("defaults templates to [default_template]", async () => {
    const { templates: _omitted, ...body } = newTypeBody({ default_template: "observation_template" });
    const result = await createType(body);
    expect(result.status).toBe(201);
    expect(result.body.templates).toEqual(["observation_template"]);
  });

  it.each(["acme", "globex", "writer", "reader"] as const)(
    "answers 403 to an account token (%s), and creates nothing",
    async (who) => {
      const body = newTypeBody();
      const result = await call("POST", TYPES, { token: sessions[who].token, body });
      expectHeraldError(result, 403, "forbidden");
      expect(await findType(body.notification_type)).toBeUndefined();
    },
  );

  it("answers 401 without a token", async () => {
    const body = newTypeBody();
    expectHeraldError(await call("POST", TYPES, { body }), 401, "unauthorized");
    expect(await findType(body.notification_type)).toBeUndefined();
  });

  it("answers 409 for a key that exists, and keeps the original", async () => {
    const body = newTypeBody();
    expect((await createType(body)).status).toBe(201);
    const again = await call("POST", TYPES, {
      token: platform.token,
      body: { ...body, name: "Replaced" },
    });
    expectHeraldError(again, 409, "conflict");
    expect((await findType(body.notification_type))?.name).toBe(body.name);
  });

  it("answers 409 for a seeded key", async () => {
    const result = await call("POST", TYPES, {
      token: platform.token,
      body: newTypeBody({ notification_type: "incidents/alerts", name: "Hijacked" }),
    });
    expectHeraldError(result, 409, "conflict");
    expect((await findType("incidents/alerts"))?.name).toBe("Incidents");
  });

  it.each(["noslash", "a/b/c", "/b", "a/", "", "a//b"])("answers 400 for the key %j", async (key) => {
    const result = await call("POST", TYPES, {
      token: platform.token,
      body: newTypeBody({ notification_type: key }),
    });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("notification_type");
  });

  it("answers 400 when default_template is not one of templates, and creates nothing", async () => {
    const body = newTypeBody({ default_template: "fim_report_template", templates: ["incidents_template"] });
    const result = await call("POST", TYPES, { token: platform.token, body });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("default_template");
    expect(await findType(body.notification_type)).toBeUndefined();
  });

  it.each(["notification_type", "name", "default_template", "default_email_subject"])(
    "answers 400 missing_required_property without %s",
    async (field) => {
      const body: Record<string, unknown> = newTypeBody();
      delete body[field];
      const result = await call("POST", TYPES, { token: platform.token, body });
      expectHeraldError(result, 400, "missing_required_property");
      expect(result.body.details).toBe(field);
    },
  );

  it.each([
    ["name", ""],
    ["default_email_subject", ""],
    ["templates", []],
  ])("answers 400 for an empty %s", async (field, value) => {
    const result = await call("POST", TYPES, {
      token: platform.token,
      body: newTypeBody({ [field]: value }),
    });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe(field);
  });
});

describe("PUT /herald/v2/notification_types/{notification_type}", () => {
  it.each([
    ["the raw slash", (key: string) => key],
    ["a percent-encoded slash", (key: string) => encodeURIComponent(key)],
  ])("updates a type addressed with %s", async (_label, spell) => {
    // The typed client sends the slash raw; the encoded spelling goes out as written.
    const key = await createNotificationType(platform.token);
    const result = await call<NotificationType>("PUT", `${TYPES}/${spell(key)}`, {
      token: platform.token,
      body: { name: "Renamed", default_email_subject: "New subject" },
    });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      notification_type: key,
      name: "Renamed",
      default_template: "incidents_template",
      templates: ["incidents_template", "log_review_created"],
      default_email_subject: "New subject",
    });
    expect(await findType(key)).toEqual(result.body);
  });

  it("changes only the fields sent", async () => {
    const key = await createNotificationType(platform.token);
    const before = await findType(key);
    const result = await updateType(key, { default_email_subject: "Only this" });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ ...before, default_email_subject: "Only this" });
  });

  it("changes templates and default_template together", async () => {
    const key = await createNotificationType(platform.token);
    const result = await updateType(key, {
      default_template: "observation_template",
      templates: ["observation_template"],
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      default_template: "observation_template",
      templates: ["observation_template"],
    });
  });

  it("ignores a notification_type in the body: the path names the type", async () => {
    const key = await createNotificationType(platform.token);
    const other = `${unique("moved")}/${unique("kind")}`;
    // notification_type is no field of the update: the body goes out raw.
    const result = await call<NotificationType>("PUT", `${TYPES}/${key}`, {
      token: platform.token,
      body: { notification_type: other, name: "Still here" },
    });
    expect(result.status).toBe(200);
    expect(result.body.notification_type).toBe(key);
    expect((await findType(key))?.name).toBe("Still here");
    expect(await findType(other)).toBeUndefined();
  });

  it("answers 400 when default_template and templates disagree, and changes nothing", async () => {
    const key = await createNotificationType(platform.token);
    const before = await findType(key);
    const result = await call("PUT", `${TYPES}/${key}`, {
      token: platform.token,
      body: { default_template: "fim_report_template", templates: ["incidents_template"] },
    });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("default_template");
    expect(await findType(key)).toEqual(before);
  });

  it("answers 400 for an empty update", async () => {
    const key = await createNotificationType(platform.token);
    const result = await call("PUT", `${TYPES}/${key}`, { token: platform.token, body: {} });
    expectHeraldError(result, 400, "invalid_value");
  });

  it("answers 404 for an unknown type", async () => {
    const result = await call("PUT", `${TYPES}/${unique("none")}/${unique("kind")}`, {
      token: platform.token,
      body: { name: "Nobody" },
    });
    expectHeraldError(result, 404, "not_found");
  });

  it.each(["acme", "writer", "reader"] as const)(
    "answers 403 to an account token (%s), and changes nothing",
    async (who) => {
      const key = await createNotificationType(platform.token);
      const before = await findType(key);
      const result = await call("PUT", `${TYPES}/${key}`, {
        token: sessions[who].token,
        body: { name: "Hijacked" },
      });
      expectHeraldError(result, 403, "forbidden");
      expect(await findType(key)).toEqual(before);
    },
  );
});

describe("DELETE /herald/v2/notification_types/{notification_type}", () => {
  it("answers 204, then the type is gone: listing, updates, deletes and sends all say so", async () => {
    const key = await createNotificationType(platform.token);
    const deleted = await typedCall(platform, (herald) => herald.deleteNotificationType(key));
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(await findType(key)).toBeUndefined();

    expectHeraldError(await call("DELETE", `${TYPES}/${key}`, { token: platform.token }), 404, "not_found");
    expectHeraldError(
      await call("PUT", `${TYPES}/${key}`, { token: platform.token, body: { name: "x" } }),
      404,
      "not_found",
    );
    const send = await call("POST", `/herald/v2/${acme.accountId}/notifications`, {
      token: acme.token,
      body: notificationBody(key),
    });
    expectHeraldError(send, 400, "unknown_notification_type");
  });

  it("deletes a type addressed with a percent-encoded slash", async () => {
    const key = await createNotificationType(platform.token);
    const deleted = await call("DELETE", `${TYPES}/${encodeURIComponent(key)}`, { token: platform.token });
    expect(deleted.status).toBe(204);
    expect(await findType(key)).toBeUndefined();
  });

  it("answers 404 for an unknown type", async () => {
    const result = await call("DELETE", `${TYPES}/${unique("none")}/${unique("kind")}`, {
      token: platform.token,
    });
    expectHeraldError(result, 404, "not_found");
  });

  it("answers 409 while a subscription uses the type, and 204 once it is gone", async () => {
    const key = await createNotificationType(platform.token);
    const subscription = await typedCall(acme, (herald) =>
      herald.createSubscription(subscriptionBody({ name: unique("uses-type"), notification_type: key })),
    );
    expect(subscription.status).toBe(201);

    const blocked = await call("DELETE", `${TYPES}/${key}`, { token: platform.token });
    expectHeraldError(blocked, 409, "conflict");
    expect(await findType(key)).toBeDefined();

    const unsubscribed = await typedCall(acme, (herald) => herald.deleteSubscription(subscription.body.id));
    expect(unsubscribed.status).toBe(204);
    expect((await typedCall(platform, (herald) => herald.deleteNotificationType(key))).status).toBe(204);
  });

  it("counts subscriptions of every account, not just the caller's", async () => {
    const key = await createNotificationType(platform.token);
    const subscription = await typedCall(globex, (herald) =>
      herald.createSubscription(subscriptionBody({ name: unique("globex-uses-type"), notification_type: key })),
    );
    expect(subscription.status).toBe(201);
    expectHeraldError(await call("DELETE", `${TYPES}/${key}`, { token: platform.token }), 409, "conflict");
  });

  it.each(["acme", "writer", "reader"] as const)(
    "answers 403 to an account token (%s), and deletes nothing",
    async (who) => {
      const key = await createNotificationType(platform.token);
      const result = await call("DELETE", `${TYPES}/${key}`, { token: sessions[who].token });
      expectHeraldError(result, 403, "forbidden");
      expect(await findType(key)).toBeDefined();
    },
  );
});

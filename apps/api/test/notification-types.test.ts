import { beforeAll, describe, expect, it } from "vitest";
import {
  ACME,
  ACME_READER,
  ACME_WRITER,
  call,
  DORMANT,
  expectHeraldError,
  GLOBEX,
  login,
  PLATFORM,
  unique,
} from "./helpers";
import { createNotificationType, notificationBody } from "./notification-factories";

let tokens: Record<"acme" | "globex" | "platform" | "reader" | "writer" | "dormant", string>;

beforeAll(async () => {
  tokens = {
    acme: await login(ACME),
    globex: await login(GLOBEX),
    platform: await login(PLATFORM),
    reader: await login(ACME_READER),
    writer: await login(ACME_WRITER),
    dormant: await login(DORMANT),
  };
});

interface NotificationType {
  notification_type: string;
  name: string;
  default_template: string;
  templates: string[];
  default_email_subject: string;
}

async function listTypes(token = tokens.acme): Promise<NotificationType[]> {
  const result = await call("GET", "/herald/v2/notification_types", { token });
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
  };
}

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
      const result = await call("GET", "/herald/v2/notification_types", { token: tokens[who] });
      expect(result.status).toBe(200);
      expect(Object.keys(result.body)).toEqual(["notification_types"]);
      const keys = result.body.notification_types.map((type: NotificationType) => type.notification_type);
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
    expectHeraldError(await call("GET", "/herald/v2/notification_types"), 401, "unauthorized");
  });
});

describe("POST /herald/v2/notification_types", () => {
  it("creates a type for a platform administrator: 201, listed, and usable by notifications", async () => {
    const body = newTypeBody();
    const result = await call("POST", "/herald/v2/notification_types", { token: tokens.platform, body });
    expect(result.status).toBe(201);
    expect(result.body).toEqual(body);
    expect(await findType(body.notification_type)).toEqual(body);

    const sent = await call("POST", `/herald/v2/${ACME.accountId}/notifications`, {
      token: tokens.acme,
      body: notificationBody(body.notification_type),
    });
    expect(sent.status).toBe(202);
  });

  it("defaults templates to [default_template]", async () => {
    const { templates: _omitted, ...body } = newTypeBody({ default_template: "observation_template" });
    const result = await call("POST", "/herald/v2/notification_types", { token: tokens.platform, body });
    expect(result.status).toBe(201);
    expect(result.body.templates).toEqual(["observation_template"]);
  });

  it.each(["acme", "globex", "writer", "reader"] as const)(
    "answers 403 to an account token (%s), and creates nothing",
    async (who) => {
      const body = newTypeBody();
      const result = await call("POST", "/herald/v2/notification_types", { token: tokens[who], body });
      expectHeraldError(result, 403, "forbidden");
      expect(await findType(body.notification_type)).toBeUndefined();
    },
  );

  it("answers 401 without a token", async () => {
    const body = newTypeBody();
    expectHeraldError(await call("POST", "/herald/v2/notification_types", { body }), 401, "unauthorized");
    expect(await findType(body.notification_type)).toBeUndefined();
  });

  it("answers 409 for a key that exists, and keeps the original", async () => {
    const body = newTypeBody();
    expect((await call("POST", "/herald/v2/notification_types", { token: tokens.platform, body })).status).toBe(201);
    const again = await call("POST", "/herald/v2/notification_types", {
      token: tokens.platform,
      body: { ...body, name: "Replaced" },
    });
    expectHeraldError(again, 409, "conflict");
    expect((await findType(body.notification_type))?.name).toBe(body.name);
  });

  it("answers 409 for a seeded key", async () => {
    const result = await call("POST", "/herald/v2/notification_types", {
      token: tokens.platform,
      body: newTypeBody({ notification_type: "incidents/alerts", name: "Hijacked" }),
    });
    expectHeraldError(result, 409, "conflict");
    expect((await findType("incidents/alerts"))?.name).toBe("Incidents");
  });

  it.each(["noslash", "a/b/c", "/b", "a/", "", "a//b"])("answers 400 for the key %j", async (key) => {
    const result = await call("POST", "/herald/v2/notification_types", {
      token: tokens.platform,
      body: newTypeBody({ notification_type: key }),
    });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("notification_type");
  });

  it("answers 400 when default_template is not one of templates, and creates nothing", async () => {
    const body = newTypeBody({ default_template: "fim_report_template", templates: ["incidents_template"] });
    const result = await call("POST", "/herald/v2/notification_types", { token: tokens.platform, body });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("default_template");
    expect(await findType(body.notification_type)).toBeUndefined();
  });

  it.each(["notification_type", "name", "default_template", "default_email_subject"])(
    "answers 400 missing_required_property without %s",
    async (field) => {
      const body: Record<string, unknown> = newTypeBody();
      delete body[field];
      const result = await call("POST", "/herald/v2/notification_types", { token: tokens.platform, body });
      expectHeraldError(result, 400, "missing_required_property");
      expect(result.body.details).toBe(field);
    },
  );

  it.each([
    ["name", ""],
    ["default_email_subject", ""],
    ["templates", []],
  ])("answers 400 for an empty %s", async (field, value) => {
    const result = await call("POST", "/herald/v2/notification_types", {
      token: tokens.platform,
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
    const key = await createNotificationType(tokens.platform);
    const result = await call("PUT", `/herald/v2/notification_types/${spell(key)}`, {
      token: tokens.platform,
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
    const key = await createNotificationType(tokens.platform);
    const before = await findType(key);
    const result = await call("PUT", `/herald/v2/notification_types/${key}`, {
      token: tokens.platform,
      body: { default_email_subject: "Only this" },
    });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ ...before, default_email_subject: "Only this" });
  });

  it("changes templates and default_template together", async () => {
    const key = await createNotificationType(tokens.platform);
    const result = await call("PUT", `/herald/v2/notification_types/${key}`, {
      token: tokens.platform,
      body: { default_template: "observation_template", templates: ["observation_template"] },
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      default_template: "observation_template",
      templates: ["observation_template"],
    });
  });

  it("ignores a notification_type in the body: the path names the type", async () => {
    const key = await createNotificationType(tokens.platform);
    const other = `${unique("moved")}/${unique("kind")}`;
    const result = await call("PUT", `/herald/v2/notification_types/${key}`, {
      token: tokens.platform,
      body: { notification_type: other, name: "Still here" },
    });
    expect(result.status).toBe(200);
    expect(result.body.notification_type).toBe(key);
    expect((await findType(key))?.name).toBe("Still here");
    expect(await findType(other)).toBeUndefined();
  });

  it("answers 400 when default_template and templates disagree, and changes nothing", async () => {
    const key = await createNotificationType(tokens.platform);
    const before = await findType(key);
    const result = await call("PUT", `/herald/v2/notification_types/${key}`, {
      token: tokens.platform,
      body: { default_template: "fim_report_template", templates: ["incidents_template"] },
    });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("default_template");
    expect(await findType(key)).toEqual(before);
  });

  it("answers 400 for an empty update", async () => {
    const key = await createNotificationType(tokens.platform);
    const result = await call("PUT", `/herald/v2/notification_types/${key}`, { token: tokens.platform, body: {} });
    expectHeraldError(result, 400, "invalid_value");
  });

  it("answers 404 for an unknown type", async () => {
    const result = await call("PUT", `/herald/v2/notification_types/${unique("none")}/${unique("kind")}`, {
      token: tokens.platform,
      body: { name: "Nobody" },
    });
    expectHeraldError(result, 404, "not_found");
  });

  it.each(["acme", "writer", "reader"] as const)(
    "answers 403 to an account token (%s), and changes nothing",
    async (who) => {
      const key = await createNotificationType(tokens.platform);
      const before = await findType(key);
      const result = await call("PUT", `/herald/v2/notification_types/${key}`, {
        token: tokens[who],
        body: { name: "Hijacked" },
      });
      expectHeraldError(result, 403, "forbidden");
      expect(await findType(key)).toEqual(before);
    },
  );
});

describe("DELETE /herald/v2/notification_types/{notification_type}", () => {
  it("answers 204, then the type is gone: listing, updates, deletes and sends all say so", async () => {
    const key = await createNotificationType(tokens.platform);
    const deleted = await call("DELETE", `/herald/v2/notification_types/${key}`, { token: tokens.platform });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(await findType(key)).toBeUndefined();

    expectHeraldError(
      await call("DELETE", `/herald/v2/notification_types/${key}`, { token: tokens.platform }),
      404,
      "not_found",
    );
    expectHeraldError(
      await call("PUT", `/herald/v2/notification_types/${key}`, { token: tokens.platform, body: { name: "x" } }),
      404,
      "not_found",
    );
    const send = await call("POST", `/herald/v2/${ACME.accountId}/notifications`, {
      token: tokens.acme,
      body: notificationBody(key),
    });
    expectHeraldError(send, 400, "unknown_notification_type");
  });

  it("deletes a type addressed with a percent-encoded slash", async () => {
    const key = await createNotificationType(tokens.platform);
    const deleted = await call("DELETE", `/herald/v2/notification_types/${encodeURIComponent(key)}`, {
      token: tokens.platform,
    });
    expect(deleted.status).toBe(204);
    expect(await findType(key)).toBeUndefined();
  });

  it("answers 404 for an unknown type", async () => {
    const result = await call("DELETE", `/herald/v2/notification_types/${unique("none")}/${unique("kind")}`, {
      token: tokens.platform,
    });
    expectHeraldError(result, 404, "not_found");
  });

  it("answers 409 while a subscription uses the type, and 204 once it is gone", async () => {
    const key = await createNotificationType(tokens.platform);
    const subscription = await call("POST", `/herald/v2/${ACME.accountId}/subscriptions`, {
      token: tokens.acme,
      body: { name: unique("uses-type"), class: "event", notification_type: key },
    });
    expect(subscription.status).toBe(201);

    const blocked = await call("DELETE", `/herald/v2/notification_types/${key}`, { token: tokens.platform });
    expectHeraldError(blocked, 409, "conflict");
    expect(await findType(key)).toBeDefined();

    const unsubscribed = await call("DELETE", `/herald/v2/${ACME.accountId}/subscriptions/${subscription.body.id}`, {
      token: tokens.acme,
    });
    expect(unsubscribed.status).toBe(204);
    expect((await call("DELETE", `/herald/v2/notification_types/${key}`, { token: tokens.platform })).status).toBe(204);
  });

  it("counts subscriptions of every account, not just the caller's", async () => {
    const key = await createNotificationType(tokens.platform);
    const subscription = await call("POST", `/herald/v2/${GLOBEX.accountId}/subscriptions`, {
      token: tokens.globex,
      body: { name: unique("globex-uses-type"), class: "event", notification_type: key },
    });
    expect(subscription.status).toBe(201);
    expectHeraldError(
      await call("DELETE", `/herald/v2/notification_types/${key}`, { token: tokens.platform }),
      409,
      "conflict",
    );
  });

  it.each(["acme", "writer", "reader"] as const)(
    "answers 403 to an account token (%s), and deletes nothing",
    async (who) => {
      const key = await createNotificationType(tokens.platform);
      const result = await call("DELETE", `/herald/v2/notification_types/${key}`, { token: tokens[who] });
      expectHeraldError(result, 403, "forbidden");
      expect(await findType(key)).toBeDefined();
    },
  );
});

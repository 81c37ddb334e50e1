import { beforeAll, describe, expect, it } from "vitest";
import {
  ACME,
  ACME_READER,
  ACME_WRITER,
  call,
  expectError,
  GLOBEX,
  type Session,
  session,
  UPPERCASE_UUID,
  unique,
} from "./helpers";

// Subscribers of a subscription: list, add, remove, batch update (contract §2.2.6–2.2.9, §3.3, §3.6, §3.9–3.11),
// and their removal when an integration is deleted. Every test makes its own subscriptions and integrations.

let acme: Session;
let writer: Session;
let reader: Session;
let globex: Session;

beforeAll(async () => {
  [acme, writer, reader, globex] = await Promise.all([
    session(ACME),
    session(ACME_WRITER),
    session(ACME_READER),
    session(GLOBEX),
  ]);
});

const subscriptionsPath = (s: Session) => `/herald/v2/${s.accountId}/subscriptions`;
const subscribersPath = (s: Session, subscriptionId: string) => `${subscriptionsPath(s)}/${subscriptionId}/subscribers`;

const newUserId = () => crypto.randomUUID().toUpperCase();

async function createSubscription(s: Session, subscribers: { subscriber: string; subscriber_type: string }[] = []) {
  const result = await call("POST", subscriptionsPath(s), {
    token: s.token,
    body: { name: unique("sub"), class: "event", notification_type: "incidents/alerts", subscribers },
  });
  expect(result.status).toBe(201);
  expect(result.body).not.toHaveProperty("subscribers_failed");
  return result.body.id as string;
}

async function createIntegration(s: Session): Promise<string> {
  const result = await call("POST", `/herald/v2/${s.accountId}/integrations`, {
    token: s.token,
    body: { name: unique("hook"), target_url: "https://hooks.example.com/x" },
  });
  expect(result.status).toBe(201);
  return result.body.id;
}

async function listSubscribers(s: Session, subscriptionId: string) {
  const result = await call("GET", subscribersPath(s, subscriptionId), { token: s.token });
  expect(result.status).toBe(200);
  return result.body.subscribers as any[];
}

/** The subscribers as sorted `type:id` strings, for exact comparisons. */
async function keys(s: Session, subscriptionId: string): Promise<string[]> {
  return (await listSubscribers(s, subscriptionId)).map((x) => `${x.subscriber_type}:${x.subscriber}`).sort();
}

const user = (id: string) => ({ subscriber: id, subscriber_type: "user" });
const connection = (id: string) => ({ subscriber: id, subscriber_type: "connection" });

describe("GET .../subscriptions/{id}/subscribers", () => {
  it("lists every subscriber with its id, type, subscription and creation stamp", async () => {
    const integration = await createIntegration(acme);
    const person = newUserId();
    const subscriptionId = await createSubscription(acme, [user(person), connection(integration)]);

    const result = await call("GET", subscribersPath(acme, subscriptionId), { token: acme.token });
    expect(result.status).toBe(200);
    expect(Object.keys(result.body)).toEqual(["subscribers"]);
    expect(result.body.subscribers).toHaveLength(2);
    for (const subscriber of result.body.subscribers) {
      expect(subscriber.id).toMatch(UPPERCASE_UUID);
      expect(subscriber.subscription_id).toBe(subscriptionId);
      expect(subscriber.created).toEqual({ at: expect.any(Number), by: acme.userId });
      expect(Object.keys(subscriber).sort()).toEqual([
        "created",
        "id",
        "subscriber",
        "subscriber_type",
        "subscription_id",
      ]);
    }
    expect(await keys(acme, subscriptionId)).toEqual([`connection:${integration}`, `user:${person}`]);
  });

  it("lists an empty subscription as an empty list", async () => {
    const subscriptionId = await createSubscription(acme);
    expect(await listSubscribers(acme, subscriptionId)).toEqual([]);
  });

  it("finds the subscription by its id in lowercase", async () => {
    const person = newUserId();
    const subscriptionId = await createSubscription(acme, [user(person)]);
    expect(await keys(acme, subscriptionId.toLowerCase())).toEqual([`user:${person}`]);
  });

  it("lets a read-only key list", async () => {
    const person = newUserId();
    const subscriptionId = await createSubscription(acme, [user(person)]);
    expect(await keys(reader, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("answers 404 for an unknown subscription", async () => {
    expectError(await call("GET", subscribersPath(acme, newUserId()), { token: acme.token }), 404, "not_found");
  });

  it("hides another account's subscription: 403 through its path, 404 through mine", async () => {
    const theirs = await createSubscription(globex, [user(newUserId())]);
    expectError(await call("GET", subscribersPath(globex, theirs), { token: acme.token }), 403, "forbidden");
    expectError(await call("GET", subscribersPath(acme, theirs), { token: acme.token }), 404, "not_found");
  });
});

describe("POST .../subscriptions/{id}/subscribers (add)", () => {
  const add = (s: Session, subscriptionId: string, body: unknown) =>
    call("POST", subscribersPath(s, subscriptionId), { token: s.token, body });

  it("adds a user from {subscriber, subscriber_type} alone", async () => {
    const subscriptionId = await createSubscription(acme);
    const person = newUserId();
    const result = await add(writer, subscriptionId, user(person));
    expect(result.status).toBe(201);
    expect(result.body).toEqual({
      id: expect.stringMatching(UPPERCASE_UUID),
      subscriber: person,
      subscriber_type: "user",
      subscription_id: subscriptionId,
      created: { at: expect.any(Number), by: writer.userId },
    });
    const listed = await listSubscribers(acme, subscriptionId);
    expect(listed).toEqual([result.body]);
  });

  it.each<[string, Record<string, unknown>]>([
    ["account_id as a number", { account_id: 12345678 }],
    ["account_id as a string", { account_id: "12345678" }],
    [
      "subscription_id and account_id",
      { account_id: 12345678, subscription_id: "2306AD6F-EC8F-40B4-AC86-7C5D4FFC1597" },
    ],
    ["a foreign account_id", { account_id: "87654321" }],
  ])("accepts and ignores the spec's extra fields: %s", async (_case, extra) => {
    const subscriptionId = await createSubscription(acme);
    const person = newUserId();
    const result = await add(acme, subscriptionId, { ...user(person), ...extra });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ subscriber: person, subscriber_type: "user", subscription_id: subscriptionId });
    expect(await keys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("adds a connection that is an integration of the account, in any case", async () => {
    const integration = await createIntegration(acme);
    const subscriptionId = await createSubscription(acme);
    const result = await add(acme, subscriptionId, connection(integration.toLowerCase()));
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ subscriber: integration, subscriber_type: "connection" });
    expect(await keys(acme, subscriptionId)).toEqual([`connection:${integration}`]);
  });

  it("accepts the legacy type integration and stores it as connection", async () => {
    const integration = await createIntegration(acme);
    const subscriptionId = await createSubscription(acme);
    const result = await add(acme, subscriptionId, { subscriber: integration, subscriber_type: "integration" });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ subscriber: integration, subscriber_type: "connection" });
    expect(await keys(acme, subscriptionId)).toEqual([`connection:${integration}`]);
  });

  it("answers 409 conflict when the subscriber is already there", async () => {
    const integration = await createIntegration(acme);
    const person = newUserId();
    const subscriptionId = await createSubscription(acme, [user(person), connection(integration)]);
    expectError(await add(acme, subscriptionId, user(person)), 409, "conflict");
    expectError(await add(acme, subscriptionId, connection(integration)), 409, "conflict");
    // The same connection under its legacy type, or in another case, is the same subscriber.
    expectError(
      await add(acme, subscriptionId, { subscriber: integration, subscriber_type: "integration" }),
      409,
      "conflict",
    );
    expectError(await add(acme, subscriptionId, connection(integration.toLowerCase())), 409, "conflict");
    expect(await keys(acme, subscriptionId)).toEqual([`connection:${integration}`, `user:${person}`]);
  });

  it("lets the same subscriber join two subscriptions", async () => {
    const person = newUserId();
    const first = await createSubscription(acme, [user(person)]);
    const second = await createSubscription(acme);
    expect((await add(acme, second, user(person))).status).toBe(201);
    expect(await keys(acme, first)).toEqual([`user:${person}`]);
    expect(await keys(acme, second)).toEqual([`user:${person}`]);
  });

  it.each<[string, () => Promise<string>]>([
    ["an id that is no integration", async () => newUserId()],
    ["an integration of another account", () => createIntegration(globex)],
  ])("rejects a connection with %s (400 naming subscriber)", async (_case, makeId) => {
    const subscriptionId = await createSubscription(acme);
    const connectionId = await makeId();
    expectError(await add(acme, subscriptionId, connection(connectionId)), 400, "invalid_value", {
      path: "subscriber",
    });
    expectError(
      await add(acme, subscriptionId, { subscriber: connectionId, subscriber_type: "integration" }),
      400,
      "invalid_value",
      { path: "subscriber" },
    );
    expect(await listSubscribers(acme, subscriptionId)).toEqual([]);
  });

  it.each<[string, unknown, string, { details?: unknown; path?: unknown }]>([
    ["a missing subscriber_type", { subscriber: "U1" }, "missing_required_property", { details: "subscriber_type" }],
    ["a missing subscriber", { subscriber_type: "user" }, "missing_required_property", { details: "subscriber" }],
    [
      "subscriber_type email",
      { subscriber: "U1", subscriber_type: "email" },
      "invalid_value",
      { path: "subscriber_type" },
    ],
    [
      "subscriber_type response.playbook",
      { subscriber: "U1", subscriber_type: "response.playbook" },
      "invalid_value",
      { path: "subscriber_type" },
    ],
    ["an empty subscriber", { subscriber: "", subscriber_type: "user" }, "invalid_value", { path: "subscriber" }],
    ["a numeric subscriber", { subscriber: 42, subscriber_type: "user" }, "wrong_type", { path: "subscriber" }],
    [
      "account_id as a boolean",
      { subscriber: "U1", subscriber_type: "user", account_id: true },
      "invalid_value",
      { path: "account_id" },
    ],
    ["a bare array", [{ subscriber: "U1", subscriber_type: "user" }], "wrong_type", {}],
  ])("rejects %s with 400", async (_case, body, error, fields) => {
    const subscriptionId = await createSubscription(acme);
    expectError(await add(acme, subscriptionId, body), 400, error, fields);
    expect(await listSubscribers(acme, subscriptionId)).toEqual([]);
  });

  it("answers invalid_json for a broken body and 415 for a body that is not JSON", async () => {
    const subscriptionId = await createSubscription(acme);
    const path = subscribersPath(acme, subscriptionId);
    expectError(
      await call("POST", path, { token: acme.token, rawBody: "{", headers: { "content-type": "application/json" } }),
      400,
      "invalid_json",
    );
    expectError(
      await call("POST", path, { token: acme.token, rawBody: JSON.stringify(user(newUserId())) }),
      415,
      "unsupported_media_type",
    );
    expect(await listSubscribers(acme, subscriptionId)).toEqual([]);
  });

  it("answers 404 for an unknown subscription", async () => {
    expectError(await add(acme, newUserId(), user(newUserId())), 404, "not_found");
  });

  it("refuses a read-only key (403) and adds nothing", async () => {
    const subscriptionId = await createSubscription(acme);
    expectError(await add(reader, subscriptionId, user(newUserId())), 403, "forbidden");
    expect(await listSubscribers(acme, subscriptionId)).toEqual([]);
  });

  it("cannot add to another account's subscription: 403 through its path, 404 through mine", async () => {
    const theirs = await createSubscription(globex);
    expectError(
      await call("POST", subscribersPath(globex, theirs), { token: acme.token, body: user(newUserId()) }),
      403,
      "forbidden",
    );
    expectError(await add(acme, theirs, user(newUserId())), 404, "not_found");
    expect(await listSubscribers(globex, theirs)).toEqual([]);
  });
});

describe("DELETE .../subscriptions/{id}/subscribers/{subscriber_type}/{subscriber} (remove)", () => {
  const remove = (s: Session, subscriptionId: string, type: string, subscriber: string) =>
    call("DELETE", `${subscribersPath(s, subscriptionId)}/${type}/${encodeURIComponent(subscriber)}`, {
      token: s.token,
    });

  it("removes a user; removing it again is 404", async () => {
    const person = newUserId();
    const other = newUserId();
    const subscriptionId = await createSubscription(acme, [user(person), user(other)]);
    const result = await remove(writer, subscriptionId, "user", person);
    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();
    expect(await keys(acme, subscriptionId)).toEqual([`user:${other}`]);
    expectError(await remove(acme, subscriptionId, "user", person), 404, "not_found");
  });

  it.each([
    ["connection", (id: string) => id],
    ["integration", (id: string) => id],
    ["connection", (id: string) => id.toLowerCase()],
  ])("removes a connection through the %s type in the path", async (type, spell) => {
    const integration = await createIntegration(acme);
    const person = newUserId();
    const subscriptionId = await createSubscription(acme, [connection(integration), user(person)]);
    expect((await remove(acme, subscriptionId, type, spell(integration))).status).toBe(204);
    expect(await keys(acme, subscriptionId)).toEqual([`user:${person}`]);
    expectError(await remove(acme, subscriptionId, type, spell(integration)), 404, "not_found");
  });

  it("removes a user whose id needs percent-encoding in the path", async () => {
    const person = `${unique("ops")}+alerts@example.com`;
    const subscriptionId = await createSubscription(acme, [user(person)]);
    expect((await remove(acme, subscriptionId, "user", person)).status).toBe(204);
    expect(await listSubscribers(acme, subscriptionId)).toEqual([]);
  });

  it("does not remove a user through the connection type", async () => {
    const person = newUserId();
    const subscriptionId = await createSubscription(acme, [user(person)]);
    expectError(await remove(acme, subscriptionId, "connection", person), 404, "not_found");
    expect(await keys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("answers 404 for a subscriber that was never there", async () => {
    const subscriptionId = await createSubscription(acme);
    expectError(await remove(acme, subscriptionId, "user", newUserId()), 404, "not_found");
  });

  it.each(["email", "users", "response.playbook"])("rejects the unknown type %s in the path with 400", async (type) => {
    const person = newUserId();
    const subscriptionId = await createSubscription(acme, [user(person)]);
    expectError(await remove(acme, subscriptionId, type, person), 400, "invalid_value", { path: "subscriber_type" });
    expect(await keys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("answers 404 for an unknown subscription", async () => {
    expectError(await remove(acme, newUserId(), "user", newUserId()), 404, "not_found");
  });

  it("refuses a read-only key (403) and removes nothing", async () => {
    const person = newUserId();
    const subscriptionId = await createSubscription(acme, [user(person)]);
    expectError(await remove(reader, subscriptionId, "user", person), 403, "forbidden");
    expect(await keys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("cannot remove from another account's subscription: 403 through its path, 404 through mine", async () => {
    const person = newUserId();
    const theirs = await createSubscription(globex, [user(person)]);
    expectError(
      await call("DELETE", `${subscribersPath(globex, theirs)}/user/${person}`, { token: acme.token }),
      403,
      "forbidden",
    );
    expectError(await remove(acme, theirs, "user", person), 404, "not_found");
    expect(await keys(globex, theirs)).toEqual([`user:${person}`]);
  });
});

describe("POST .../subscriptions/{id}/subscribers/batch/update", () => {
  const batch = (s: Session, subscriptionId: string, body: unknown) =>
    call("POST", `${subscribersPath(s, subscriptionId)}/batch/update`, { token: s.token, body });

  it("adds and deletes in one call", async () => {
    const integration = await createIntegration(acme);
    const [stays, leaves, joins] = [newUserId(), newUserId(), newUserId()];
    const subscriptionId = await createSubscription(acme, [user(stays), user(leaves)]);
    const result = await batch(writer, subscriptionId, {
      subscribers: [
        { ...user(leaves), action: "delete" },
        { ...user(joins), action: "add" },
        { ...connection(integration), action: "add" },
      ],
    });
    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();
    expect(await keys(acme, subscriptionId)).toEqual(
      [`connection:${integration}`, `user:${joins}`, `user:${stays}`].sort(),
    );
    const added = (await listSubscribers(acme, subscriptionId)).find((s) => s.subscriber === joins);
    expect(added.created.by).toBe(writer.userId);
  });

  it("accepts the integration alias for both actions", async () => {
    const [first, second] = await Promise.all([createIntegration(acme), createIntegration(acme)]);
    const subscriptionId = await createSubscription(acme, [connection(first)]);
    const result = await batch(acme, subscriptionId, {
      subscribers: [
        { subscriber: first.toLowerCase(), subscriber_type: "integration", action: "delete" },
        { subscriber: second, subscriber_type: "integration", action: "add" },
      ],
    });
    expect(result.status).toBe(204);
    expect(await keys(acme, subscriptionId)).toEqual([`connection:${second}`]);
  });

  it("treats adding one already there and deleting one not there as no-ops", async () => {
    const [present, absent] = [newUserId(), newUserId()];
    const subscriptionId = await createSubscription(acme, [user(present)]);
    const [before] = await listSubscribers(acme, subscriptionId);
    const result = await batch(acme, subscriptionId, {
      subscribers: [
        { ...user(present), action: "add" },
        { ...user(absent), action: "delete" },
      ],
    });
    expect(result.status).toBe(204);
    expect(await listSubscribers(acme, subscriptionId)).toEqual([before]);
  });

  it("collapses a subscriber added twice in one call", async () => {
    const person = newUserId();
    const subscriptionId = await createSubscription(acme);
    const result = await batch(acme, subscriptionId, {
      subscribers: [
        { ...user(person), action: "add" },
        { ...user(person), action: "add" },
      ],
    });
    expect(result.status).toBe(204);
    expect(await keys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("applies nothing when any subscriber is rejected, and lists the rejections", async () => {
    const stranger = newUserId();
    const foreign = await createIntegration(globex);
    const [stays, wouldLeave, wouldJoin] = [newUserId(), newUserId(), newUserId()];
    const subscriptionId = await createSubscription(acme, [user(stays), user(wouldLeave)]);
    const before = await listSubscribers(acme, subscriptionId);

    const result = await batch(acme, subscriptionId, {
      subscribers: [
        { ...user(wouldJoin), action: "add" },
        { ...connection(stranger), action: "add" },
        { ...user(wouldLeave), action: "delete" },
        { subscriber: foreign, subscriber_type: "integration", action: "add" },
      ],
    });
    expectError(result, 400, "invalid_value");
    expect(result.body.subscribers_failed).toHaveLength(2);
    expect(result.body.subscribers_failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subscriber: stranger, subscriber_type: "connection", error: expect.any(String) }),
        expect.objectContaining({ subscriber: foreign, subscriber_type: "connection", error: expect.any(String) }),
      ]),
    );
    expect(await listSubscribers(acme, subscriptionId)).toEqual(before);
  });

  it.each<[string, unknown, string, { details?: unknown; path?: unknown }]>([
    [
      "an item without action",
      { subscribers: [{ subscriber: "U1", subscriber_type: "user" }] },
      "missing_required_property",
      { path: "subscribers.0", details: "action" },
    ],
    [
      "the second item without subscriber_type",
      {
        subscribers: [
          { subscriber: "U1", subscriber_type: "user", action: "add" },
          { subscriber: "U2", action: "add" },
        ],
      },
      "missing_required_property",
      { path: "subscribers.1", details: "subscriber_type" },
    ],
    [
      "an item without subscriber",
      { subscribers: [{ subscriber_type: "user", action: "add" }] },
      "missing_required_property",
      { path: "subscribers.0", details: "subscriber" },
    ],
    [
      "action update",
      { subscribers: [{ subscriber: "U1", subscriber_type: "user", action: "update" }] },
      "invalid_value",
      { path: "subscribers.0.action" },
    ],
    [
      "subscriber_type email",
      { subscribers: [{ subscriber: "U1", subscriber_type: "email", action: "add" }] },
      "invalid_value",
      { path: "subscribers.0.subscriber_type" },
    ],
    ["an empty list", { subscribers: [] }, "invalid_value", { path: "subscribers" }],
    ["a body without subscribers", {}, "missing_required_property", { details: "subscribers" }],
    [
      "a bare array (the spec's example)",
      [{ subscriber: "U1", subscriber_type: "user", action: "add" }],
      "wrong_type",
      {},
    ],
  ])("rejects %s with 400 and changes nothing", async (_case, body, error, fields) => {
    const person = newUserId();
    const subscriptionId = await createSubscription(acme, [user(person)]);
    expectError(await batch(acme, subscriptionId, body), 400, error, fields);
    expect(await keys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("answers 404 for an unknown subscription", async () => {
    expectError(
      await batch(acme, newUserId(), { subscribers: [{ ...user(newUserId()), action: "add" }] }),
      404,
      "not_found",
    );
  });

  it("refuses a read-only key (403) and changes nothing", async () => {
    const person = newUserId();
    const subscriptionId = await createSubscription(acme, [user(person)]);
    const result = await batch(reader, subscriptionId, {
      subscribers: [
        { ...user(person), action: "delete" },
        { ...user(newUserId()), action: "add" },
      ],
    });
    expectError(result, 403, "forbidden");
    expect(await keys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("cannot change another account's subscription: 403 through its path, 404 through mine", async () => {
    const person = newUserId();
    const theirs = await createSubscription(globex, [user(person)]);
    const body = { subscribers: [{ ...user(person), action: "delete" }] };
    expectError(
      await call("POST", `${subscribersPath(globex, theirs)}/batch/update`, { token: acme.token, body }),
      403,
      "forbidden",
    );
    expectError(await batch(acme, theirs, body), 404, "not_found");
    expect(await keys(globex, theirs)).toEqual([`user:${person}`]);
  });
});

describe("deleting an integration", () => {
  it("removes it from every subscription it was subscribed to, and nothing else", async () => {
    const [doomed, survivor] = await Promise.all([createIntegration(acme), createIntegration(acme)]);
    const person = newUserId();
    const first = await createSubscription(acme, [connection(doomed), user(person)]);
    const second = await createSubscription(acme, [connection(doomed), connection(survivor)]);

    const result = await call("DELETE", `/herald/v2/${ACME.accountId}/integrations/${doomed}`, { token: acme.token });
    expect(result.status).toBe(204);

    expect(await keys(acme, first)).toEqual([`user:${person}`]);
    expect(await keys(acme, second)).toEqual([`connection:${survivor}`]);
    // The deleted integration can no longer be subscribed.
    const again = await call("POST", subscribersPath(acme, first), { token: acme.token, body: connection(doomed) });
    expectError(again, 400, "invalid_value", { path: "subscriber" });
  });

  it("cannot be done to another account's integration, whose subscriptions keep it", async () => {
    const theirs = await createIntegration(globex);
    const subscriptionId = await createSubscription(globex, [connection(theirs)]);
    expectError(
      await call("DELETE", `/herald/v2/${ACME.accountId}/integrations/${theirs}`, { token: acme.token }),
      404,
      "not_found",
    );
    expectError(
      await call("DELETE", `/herald/v2/${GLOBEX.accountId}/integrations/${theirs}`, { token: acme.token }),
      403,
      "forbidden",
    );
    expect(await keys(globex, subscriptionId)).toEqual([`connection:${theirs}`]);
  });
});

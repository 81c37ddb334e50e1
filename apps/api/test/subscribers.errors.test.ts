import { describe, expect, it } from "vitest";
import { call, expectError } from "./helpers";
import { connection, createIntegration, newUserId, subscriptionWith, user } from "./setup/fixtures";
import { signedIn } from "./setup/sessions";
import * as subscribers from "./setup/subscribers";

// Subscriber requests Herald refuses for what they carry: invalid bodies, types and connections, duplicates, unknown
// subscriptions and subscribers (contract §2.2.6–2.2.9, §3.3, §3.6, §3.9–3.11). A refusal changes nothing.

const { acme, globex } = signedIn("acme", "globex");

describe("GET .../subscriptions/{id}/subscribers", () => {
  it("answers 404 for an unknown subscription", async () => {
    expectError(await call("GET", subscribers.path(acme, newUserId()), { token: acme.token }), 404, "not_found");
  });
});

describe("POST .../subscriptions/{id}/subscribers (add)", () => {
  it("answers 409 conflict when the subscriber is already there", async () => {
    const integration = await createIntegration(acme);
    const person = newUserId();
    const subscriptionId = await subscriptionWith(acme, [user(person), connection(integration)]);
    expectError(await subscribers.add(acme, subscriptionId, user(person)), 409, "conflict");
    expectError(await subscribers.add(acme, subscriptionId, connection(integration)), 409, "conflict");
    // The same connection under its legacy type, or in another case, is the same subscriber.
    expectError(
      await subscribers.add(acme, subscriptionId, { subscriber: integration, subscriber_type: "integration" }),
      409,
      "conflict",
    );
    expectError(await subscribers.add(acme, subscriptionId, connection(integration.toLowerCase())), 409, "conflict");
    expect(await subscribers.keys(acme, subscriptionId)).toEqual([`connection:${integration}`, `user:${person}`]);
  });

  it.each<[string, () => Promise<string>]>([
    ["an id that is no integration", async () => newUserId()],
    ["an integration of another account", () => createIntegration(globex)],
  ])("rejects a connection with %s (400 naming subscriber)", async (_case, makeId) => {
    const subscriptionId = await subscriptionWith(acme);
    const connectionId = await makeId();
    expectError(await subscribers.add(acme, subscriptionId, connection(connectionId)), 400, "invalid_value", {
      path: "subscriber",
    });
    expectError(
      await subscribers.add(acme, subscriptionId, { subscriber: connectionId, subscriber_type: "integration" }),
      400,
      "invalid_value",
      { path: "subscriber" },
    );
    expect(await subscribers.list(acme, subscriptionId)).toEqual([]);
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
    const subscriptionId = await subscriptionWith(acme);
    expectError(await subscribers.add(acme, subscriptionId, body), 400, error, fields);
    expect(await subscribers.list(acme, subscriptionId)).toEqual([]);
  });

  it("answers invalid_json for a broken body and 415 for a body that is not JSON", async () => {
    const subscriptionId = await subscriptionWith(acme);
    const path = subscribers.path(acme, subscriptionId);
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
    expect(await subscribers.list(acme, subscriptionId)).toEqual([]);
  });

  it("answers 404 for an unknown subscription", async () => {
    expectError(await subscribers.add(acme, newUserId(), user(newUserId())), 404, "not_found");
  });
});

describe("DELETE .../subscriptions/{id}/subscribers/{subscriber_type}/{subscriber} (remove)", () => {
  it("does not remove a user through the connection type", async () => {
    const person = newUserId();
    const subscriptionId = await subscriptionWith(acme, [user(person)]);
    expectError(await subscribers.remove(acme, subscriptionId, "connection", person), 404, "not_found");
    expect(await subscribers.keys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("answers 404 for a subscriber that was never there", async () => {
    const subscriptionId = await subscriptionWith(acme);
    expectError(await subscribers.remove(acme, subscriptionId, "user", newUserId()), 404, "not_found");
  });

  it.each(["email", "users", "response.playbook"])("rejects the unknown type %s in the path with 400", async (type) => {
    const person = newUserId();
    const subscriptionId = await subscriptionWith(acme, [user(person)]);
    expectError(await subscribers.remove(acme, subscriptionId, type, person), 400, "invalid_value", {
      path: "subscriber_type",
    });
    expect(await subscribers.keys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("answers 404 for an unknown subscription", async () => {
    expectError(await subscribers.remove(acme, newUserId(), "user", newUserId()), 404, "not_found");
  });
});

describe("POST .../subscriptions/{id}/subscribers/batch/update", () => {
  it("applies nothing when any subscriber is rejected, and lists the rejections", async () => {
    const stranger = newUserId();
    const foreign = await createIntegration(globex);
    const [stays, wouldLeave, wouldJoin] = [newUserId(), newUserId(), newUserId()];
    const subscriptionId = await subscriptionWith(acme, [user(stays), user(wouldLeave)]);
    const before = await subscribers.list(acme, subscriptionId);

    const result = await subscribers.batch(acme, subscriptionId, {
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
    expect(await subscribers.list(acme, subscriptionId)).toEqual(before);
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
    const subscriptionId = await subscriptionWith(acme, [user(person)]);
    expectError(await subscribers.batch(acme, subscriptionId, body), 400, error, fields);
    expect(await subscribers.keys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("answers 404 for an unknown subscription", async () => {
    expectError(
      await subscribers.batch(acme, newUserId(), { subscribers: [{ ...user(newUserId()), action: "add" }] }),
      404,
      "not_found",
    );
  });
});

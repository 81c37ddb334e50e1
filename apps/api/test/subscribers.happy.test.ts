import type { RequestBody } from "@herald/client";
import { describe, expect, it } from "vitest";
import { expectError, type Session, typedCall, UPPERCASE_UUID, unique } from "./helpers";
import { connection, createIntegration, newUserId, subscriptionWith, user } from "./setup/fixtures";
import { signedIn } from "./setup/sessions";
import * as subscribers from "./setup/subscribers";

// Subscribers of a subscription as they should work: list, add, remove, batch update (contract §2.2.6–2.2.9, §3.3,
// §3.6, §3.9–3.11), and their removal when an integration is deleted. Refusals are in subscribers.errors.test.ts, roles
// and other accounts in subscribers.security.test.ts. Every test makes its own subscriptions and integrations.

const { acme, writer } = signedIn("acme", "writer");

describe("GET .../subscriptions/{id}/subscribers", () => {
  it("lists every subscriber with its id, type, subscription and creation stamp", async () => {
    const integration = await createIntegration(acme);
    const person = newUserId();
    const subscriptionId = await subscriptionWith(acme, [user(person), connection(integration)]);

    const result = await typedCall(acme, (herald) => herald.getAccountSubscriptionSubscribers(subscriptionId));
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
    expect(await subscribers.keys(acme, subscriptionId)).toEqual([`connection:${integration}`, `user:${person}`]);
  });

  it("lists an empty subscription as an empty list", async () => {
    const subscriptionId = await subscriptionWith(acme);
    expect(await subscribers.list(acme, subscriptionId)).toEqual([]);
  });

  it("finds the subscription by its id in lowercase", async () => {
    const person = newUserId();
    const subscriptionId = await subscriptionWith(acme, [user(person)]);
    expect(await subscribers.keys(acme, subscriptionId.toLowerCase())).toEqual([`user:${person}`]);
  });
});

describe("POST .../subscriptions/{id}/subscribers (add)", () => {
  const add = (s: Session, subscriptionId: string, body: RequestBody<"add_subscriber">) =>
    typedCall(s, (herald) => herald.addSubscriber(subscriptionId, body));

  it("adds a user from {subscriber, subscriber_type} alone", async () => {
    const subscriptionId = await subscriptionWith(acme);
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
    const listed = await subscribers.list(acme, subscriptionId);
    expect(listed).toEqual([result.body]);
  });

  it.each<[string, Partial<RequestBody<"add_subscriber">>]>([
    ["account_id as a number", { account_id: 12345678 }],
    ["account_id as a string", { account_id: "12345678" }],
    [
      "subscription_id and account_id",
      { account_id: 12345678, subscription_id: "2306AD6F-EC8F-40B4-AC86-7C5D4FFC1597" },
    ],
    ["a foreign account_id", { account_id: "87654321" }],
  ])("accepts and ignores the spec's extra fields: %s", async (_case, extra) => {
    const subscriptionId = await subscriptionWith(acme);
    const person = newUserId();
    const result = await add(acme, subscriptionId, { ...user(person), ...extra });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ subscriber: person, subscriber_type: "user", subscription_id: subscriptionId });
    expect(await subscribers.keys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("adds a connection that is an integration of the account, in any case", async () => {
    const integration = await createIntegration(acme);
    const subscriptionId = await subscriptionWith(acme);
    const result = await add(acme, subscriptionId, connection(integration.toLowerCase()));
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ subscriber: integration, subscriber_type: "connection" });
    expect(await subscribers.keys(acme, subscriptionId)).toEqual([`connection:${integration}`]);
  });

  it("accepts the legacy type integration and stores it as connection", async () => {
    const integration = await createIntegration(acme);
    const subscriptionId = await subscriptionWith(acme);
    const result = await add(acme, subscriptionId, { subscriber: integration, subscriber_type: "integration" });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ subscriber: integration, subscriber_type: "connection" });
    expect(await subscribers.keys(acme, subscriptionId)).toEqual([`connection:${integration}`]);
  });

  it("lets the same subscriber join two subscriptions", async () => {
    const person = newUserId();
    const first = await subscriptionWith(acme, [user(person)]);
    const second = await subscriptionWith(acme);
    expect((await add(acme, second, user(person))).status).toBe(201);
    expect(await subscribers.keys(acme, first)).toEqual([`user:${person}`]);
    expect(await subscribers.keys(acme, second)).toEqual([`user:${person}`]);
  });
});

describe("DELETE .../subscriptions/{id}/subscribers/{subscriber_type}/{subscriber} (remove)", () => {
  it("removes a user; removing it again is 404", async () => {
    const person = newUserId();
    const other = newUserId();
    const subscriptionId = await subscriptionWith(acme, [user(person), user(other)]);
    const result = await typedCall(writer, (herald) => herald.removeSubscriber(subscriptionId, "user", person));
    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();
    expect(await subscribers.keys(acme, subscriptionId)).toEqual([`user:${other}`]);
    expectError(await subscribers.remove(acme, subscriptionId, "user", person), 404, "not_found");
  });

  it.each([
    ["connection", (id: string) => id],
    ["integration", (id: string) => id],
    ["connection", (id: string) => id.toLowerCase()],
  ] as const)("removes a connection through the %s type in the path", async (type, spell) => {
    const integration = await createIntegration(acme);
    const person = newUserId();
    const subscriptionId = await subscriptionWith(acme, [connection(integration), user(person)]);
    const removed = await typedCall(acme, (herald) =>
      herald.removeSubscriber(subscriptionId, type, spell(integration)),
    );
    expect(removed.status).toBe(204);
    expect(await subscribers.keys(acme, subscriptionId)).toEqual([`user:${person}`]);
    expectError(await subscribers.remove(acme, subscriptionId, type, spell(integration)), 404, "not_found");
  });

  it("removes a user whose id needs percent-encoding in the path", async () => {
    const person = `${unique("ops")}+alerts@example.com`;
    const subscriptionId = await subscriptionWith(acme, [user(person)]);
    const removed = await typedCall(acme, (herald) => herald.removeSubscriber(subscriptionId, "user", person));
    expect(removed.status).toBe(204);
    expect(await subscribers.list(acme, subscriptionId)).toEqual([]);
  });
});

describe("POST .../subscriptions/{id}/subscribers/batch/update", () => {
  const batch = (s: Session, subscriptionId: string, body: RequestBody<"batch_update_subscribers">) =>
    typedCall(s, (herald) => herald.batchUpdateSubscribers(subscriptionId, body));

  it("adds and deletes in one call", async () => {
    const integration = await createIntegration(acme);
    const [stays, leaves, joins] = [newUserId(), newUserId(), newUserId()];
    const subscriptionId = await subscriptionWith(acme, [user(stays), user(leaves)]);
    const result = await batch(writer, subscriptionId, {
      subscribers: [
        { ...user(leaves), action: "delete" },
        { ...user(joins), action: "add" },
        { ...connection(integration), action: "add" },
      ],
    });
    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();
    expect(await subscribers.keys(acme, subscriptionId)).toEqual(
      [`connection:${integration}`, `user:${joins}`, `user:${stays}`].sort(),
    );
    const added = (await subscribers.list(acme, subscriptionId)).find((s) => s.subscriber === joins);
    expect(added?.created?.by).toBe(writer.userId);
  });

  it("accepts the integration alias for both actions", async () => {
    const [first, second] = await Promise.all([createIntegration(acme), createIntegration(acme)]);
    const subscriptionId = await subscriptionWith(acme, [connection(first)]);
    const result = await batch(acme, subscriptionId, {
      subscribers: [
        { subscriber: first.toLowerCase(), subscriber_type: "integration", action: "delete" },
        { subscriber: second, subscriber_type: "integration", action: "add" },
      ],
    });
    expect(result.status).toBe(204);
    expect(await subscribers.keys(acme, subscriptionId)).toEqual([`connection:${second}`]);
  });

  it("treats adding one already there and deleting one not there as no-ops", async () => {
    const [present, absent] = [newUserId(), newUserId()];
    const subscriptionId = await subscriptionWith(acme, [user(present)]);
    const [before] = await subscribers.list(acme, subscriptionId);
    const result = await batch(acme, subscriptionId, {
      subscribers: [
        { ...user(present), action: "add" },
        { ...user(absent), action: "delete" },
      ],
    });
    expect(result.status).toBe(204);
    expect(await subscribers.list(acme, subscriptionId)).toEqual([before]);
  });

  it("collapses a subscriber added twice in one call", async () => {
    const person = newUserId();
    const subscriptionId = await subscriptionWith(acme);
    const result = await batch(acme, subscriptionId, {
      subscribers: [
        { ...user(person), action: "add" },
        { ...user(person), action: "add" },
      ],
    });
    expect(result.status).toBe(204);
    expect(await subscribers.keys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });
});

describe("deleting an integration", () => {
  it("removes it from every subscription it was subscribed to, and nothing else", async () => {
    const [doomed, survivor] = await Promise.all([createIntegration(acme), createIntegration(acme)]);
    const person = newUserId();
    const first = await subscriptionWith(acme, [connection(doomed), user(person)]);
    const second = await subscriptionWith(acme, [connection(doomed), connection(survivor)]);

    const result = await typedCall(acme, (herald) => herald.deleteIntegration(doomed));
    expect(result.status).toBe(204);

    expect(await subscribers.keys(acme, first)).toEqual([`user:${person}`]);
    expect(await subscribers.keys(acme, second)).toEqual([`connection:${survivor}`]);
    // The deleted integration can no longer be subscribed.
    const again = await subscribers.add(acme, first, connection(doomed));
    expectError(again, 400, "invalid_value", { path: "subscriber" });
  });
});

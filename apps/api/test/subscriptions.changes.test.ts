import type { RequestBody, Subscription } from "@herald/client";
import { describe, expect, it } from "vitest";
import { call, expectError, type Session, typedCall, unique } from "./helpers";
import { createSubscription, ids } from "./setup/fixtures";
import { signedIn } from "./setup/sessions";
import * as subscriptions from "./setup/subscriptions";

// Subscriptions changing as they should: update, delete, batch delete (contract §2.2.14–2.2.16, §3.13–3.15). Creating
// and reading them is in subscriptions.happy.test.ts, refusals in subscriptions.errors.test.ts, roles and other accounts
// in subscriptions.security.test.ts.

const { acme, writer } = signedIn("acme", "writer");

describe("POST /{account_id}/subscriptions/{id} (update)", () => {
  const full = () => ({
    options: { include_attachments: true, extra: "kept" },
    filters: { "=": [{ source: "notification.escalated" }, true] },
    template: "incidents_template" as const,
    suppression_interval: 60,
    external_id: unique("rule"),
  });

  it("changes only active, and stamps modified with the caller", async () => {
    const created = await createSubscription(acme, full());
    const result = await typedCall(writer, (herald) => herald.updateSubscription(created.id, { active: false }));
    expect(result.status).toBe(200);
    const { active: _active, modified: _modified, ...unchanged } = created;
    const { subscribers: _s, subscriber_count: _c, ...rest } = unchanged;
    expect(result.body).toMatchObject({ ...rest, active: false });
    expect(result.body.modified.by).toBe(writer.userId);
    expect(result.body.modified.at).toBeGreaterThanOrEqual(created.modified.at);
    expect(result.body.created).toEqual(created.created);

    expect(await subscriptions.read(acme, created.id)).toEqual(result.body);
  });

  it("changes every updatable field that is sent", async () => {
    const created = await createSubscription(acme, full());
    const changes: RequestBody<"update_subscription"> = {
      name: unique("renamed"),
      notification_type: "incidents/notification",
      external_id: unique("rule"),
      options: { email_subject: "New subject" },
      filters: { in: [{ source: "notification.threat_level" }, ["high", "critical"]] },
      template: "log_review_created",
      suppression_interval: 0,
    };
    const result = await typedCall(acme, (herald) => herald.updateSubscription(created.id, changes));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ ...changes, id: created.id, class: "event", active: true });
    // options are replaced, not merged.
    expect(result.body.options).toEqual(changes.options);
    expect(await subscriptions.read(acme, created.id)).toEqual(result.body);
  });

  // The console sends class, and clients may send subscribers: fields the types leave out, so these go out raw.
  it("ignores class in the body (the console sends it)", async () => {
    const created = await createSubscription(acme);
    const result = await call<Subscription>("POST", `${subscriptions.path(acme)}/${created.id}`, {
      token: acme.token,
      body: { class: "schedule", name: "still an event" },
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ class: "event", name: "still an event" });
    expect((await subscriptions.read(acme, created.id)).class).toBe("event");
  });

  it("ignores subscribers in the body (they change through the subscriber operations)", async () => {
    const person = crypto.randomUUID().toUpperCase();
    const created = await createSubscription(acme, { subscribers: [{ subscriber: person, subscriber_type: "user" }] });
    const result = await call<Subscription>("POST", `${subscriptions.path(acme)}/${created.id}`, {
      token: acme.token,
      body: { name: "renamed", subscribers: [{ subscriber: crypto.randomUUID(), subscriber_type: "user" }] },
    });
    expect(result.status).toBe(200);
    expect(result.body.name).toBe("renamed");
    const fetched = await subscriptions.read(acme, created.id, { include_subscribers: true });
    expect(fetched.subscribers?.map((s) => s.subscriber)).toEqual([person]);
  });

  it("answers 200 and changes nothing for an empty body", async () => {
    const created = await createSubscription(acme, full());
    const { subscribers: _s, subscriber_count: _c, ...plain } = created;
    const result = await typedCall(writer, (herald) => herald.updateSubscription(created.id, {}));
    expect(result.status).toBe(200);
    expect(result.body).toEqual(plain);
    expect(await subscriptions.read(acme, created.id)).toEqual(plain);
  });

  it("accepts a lowercase id", async () => {
    const created = await createSubscription(acme);
    const result = await typedCall(acme, (herald) =>
      herald.updateSubscription(created.id.toLowerCase(), { name: "lower" }),
    );
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ id: created.id, name: "lower" });
  });
});

describe("DELETE /{account_id}/subscriptions/{id}", () => {
  it("deletes the subscription and its subscribers; a second delete is 404", async () => {
    const created = await createSubscription(acme, {
      subscribers: [{ subscriber: crypto.randomUUID().toUpperCase(), subscriber_type: "user" }],
    });
    const result = await typedCall(acme, (herald) => herald.deleteSubscription(created.id));
    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();

    expectError(await subscriptions.get(acme, created.id), 404, "not_found");
    expectError(
      await call("GET", `${subscriptions.path(acme)}/${created.id}/subscribers`, { token: acme.token }),
      404,
      "not_found",
    );
    expect(ids(await subscriptions.list(acme))).not.toContain(created.id);
    expectError(
      await call("DELETE", `${subscriptions.path(acme)}/${created.id}`, { token: acme.token }),
      404,
      "not_found",
    );
  });

  it("accepts a lowercase id", async () => {
    const created = await createSubscription(acme);
    expect((await typedCall(acme, (herald) => herald.deleteSubscription(created.id.toLowerCase()))).status).toBe(204);
    expect((await subscriptions.get(acme, created.id)).status).toBe(404);
  });
});

describe("POST /{account_id}/subscriptions/batch/delete", () => {
  const batchDelete = (s: Session, body: RequestBody<"batch_delete_subscriptions">) =>
    typedCall(s, (herald) => herald.batchDeleteSubscriptions(body));

  it("deletes every listed subscription (ids in any case) with 204", async () => {
    const [a, b] = await Promise.all([createSubscription(acme), createSubscription(acme)]);
    const result = await batchDelete(acme, { ids: [a.id, b.id.toLowerCase()] });
    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();
    expect((await subscriptions.get(acme, a.id)).status).toBe(404);
    expect((await subscriptions.get(acme, b.id)).status).toBe(404);
  });

  it("tolerates the same id twice", async () => {
    const a = await createSubscription(acme);
    expect((await batchDelete(acme, { ids: [a.id, a.id] })).status).toBe(204);
    expect((await subscriptions.get(acme, a.id)).status).toBe(404);
  });
});

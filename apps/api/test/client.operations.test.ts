// @herald/client against the real Worker (workerd): subscriptions and subscribers, notifications, notification types,
// users and e-mail, every operation round-tripping, and refusals thrown as HeraldErrors. Set-up in client.setup.ts.
import {
  HeraldError,
  isPartialDeletion,
  isSubscribersFailed,
  isValidationError,
  type Notification,
} from "@herald/client";
import { describe, expect, it } from "vitest";
import { acme, caught, clientFor, freshSubscription, freshType, notificationBody, platform } from "./client.setup";
import { ACME_USER } from "./delivery-helpers";
import { ACME, ACME_READER, GLOBEX, unique } from "./helpers";

describe("subscriptions and subscribers", () => {
  it("creates, lists, reads, updates and deletes a subscription", async () => {
    const { type, subscription: created } = await freshSubscription({
      subscribers: [{ subscriber: ACME_USER, subscriber_type: "user" }],
      suppression_interval: 60,
    });
    expect(created).toMatchObject({ notification_type: type, active: true, suppression_interval: 60 });

    const listed = await acme.getAccountSubscriptions({ notification_type: type, include_subscribers: true });
    expect(listed.subscriptions.map((s) => s.id)).toEqual([created.id]);
    expect(listed.subscriptions[0]!.subscribers?.map((s) => s.subscriber)).toEqual([ACME_USER]);

    const updated = await acme.updateSubscription(created.id, { active: false, name: "renamed" });
    expect(updated).toMatchObject({ id: created.id, active: false, name: "renamed" });
    expect(await acme.getAccountSubscription(created.id)).toMatchObject({ active: false, name: "renamed" });

    await expect(acme.deleteSubscription(created.id)).resolves.toBeUndefined();
    const gone = await caught(acme.getAccountSubscription(created.id));
    expect(gone).toMatchObject({ status: 404, operation: "get_account_subscription", body: { error: "not_found" } });
  });

  it("adds, lists, batch-updates and removes subscribers", async () => {
    const { subscription } = await freshSubscription();
    const integration = await acme.createIntegration({ name: unique("hook"), target_url: "https://hooks.test/x" });

    const added = await acme.addSubscriber(subscription.id, { subscriber: ACME_USER, subscriber_type: "user" });
    expect(added).toMatchObject({ subscriber: ACME_USER, subscriber_type: "user" });
    await acme.batchUpdateSubscribers(subscription.id, {
      subscribers: [
        { subscriber: integration.id, subscriber_type: "connection", action: "add" },
        { subscriber: ACME_USER, subscriber_type: "user", action: "delete" },
      ],
    });
    const { subscribers } = await acme.getAccountSubscriptionSubscribers(subscription.id);
    expect(subscribers.map((s) => [s.subscriber_type, s.subscriber])).toEqual([["connection", integration.id]]);

    await acme.removeSubscriber(subscription.id, "connection", integration.id);
    expect((await acme.getAccountSubscriptionSubscribers(subscription.id)).subscribers).toEqual([]);

    const duplicate = await acme.addSubscriber(subscription.id, { subscriber: ACME_USER, subscriber_type: "user" });
    expect(duplicate.subscriber).toBe(ACME_USER);
    expect(
      await caught(acme.addSubscriber(subscription.id, { subscriber: ACME_USER, subscriber_type: "user" })),
    ).toMatchObject({
      status: 409,
      body: { error: "conflict" },
    });
  });

  it("throws rejected subscribers of an all-or-nothing batch as isSubscribersFailed", async () => {
    const { subscription } = await freshSubscription();
    const error = await caught(
      acme.batchUpdateSubscribers(subscription.id, {
        subscribers: [{ subscriber: crypto.randomUUID().toUpperCase(), subscriber_type: "connection", action: "add" }],
      }),
    );
    expect(isSubscribersFailed(error)).toBe(true);
    expect(error.status).toBe(400);
    expect(error.body.subscribers_failed).toHaveLength(1);
  });

  it("batch-deletes subscriptions, and reports the ids it could not delete", async () => {
    const type = await freshType();
    const [a, b] = await Promise.all(
      [1, 2].map(() => acme.createSubscription({ name: unique("sub"), class: "event", notification_type: type })),
    );
    await acme.batchDeleteSubscriptions({ ids: [a!.id] });
    expect((await acme.getAccountSubscriptions({ notification_type: type })).subscriptions.map((s) => s.id)).toEqual([
      b!.id,
    ]);

    const missing = crypto.randomUUID().toUpperCase();
    const error = await caught(acme.batchDeleteSubscriptions({ ids: [b!.id, missing] }));
    expect(isPartialDeletion(error)).toBe(true);
    expect(error.body.unprocessed_items).toEqual([{ id: missing, error: "not_found" }]);
    expect((await acme.getAccountSubscriptions({ notification_type: type })).subscriptions).toEqual([]);
  });

  it("throws validation errors with Herald's body", async () => {
    const error = await caught(
      acme.createSubscription({ name: "no class", notification_type: "incidents/alerts" } as never),
    );
    expect(isValidationError(error)).toBe(true);
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({
      status: 400,
      operation: "create_subscription",
      body: { error: "missing_required_property", details: "class" },
    });
    expect(error.body.request_id).toEqual(expect.any(String));
  });

  it("throws 403 for a reader's write and for another account", async () => {
    const reader = clientFor(ACME_READER);
    const denied = await caught(
      reader.createSubscription({ name: "x", class: "event", notification_type: "incidents/alerts" }),
    );
    expect(denied).toMatchObject({ status: 403, body: { error: "forbidden" } });
    const elsewhere = await caught(acme.getAccountSubscriptions(undefined, { accountId: GLOBEX.accountId }));
    expect(elsewhere.status).toBe(403);
  });
});

describe("notifications", () => {
  it("sends once per Idempotency-Key and reads the notification back", async () => {
    const type = await freshType();
    const body = notificationBody(type);
    const key = unique("key");
    const sent = await acme.sentNotification(body, { idempotencyKey: key });
    expect(sent).toMatchObject({ type, account_id: ACME.accountId });
    const repeated = await acme.sendNotification(body, { idempotencyKey: key });
    expect(repeated.id).toBe(sent.id);
    const reused = await caught(acme.sendNotification(notificationBody(type), { idempotencyKey: key }));
    expect(reused).toMatchObject({ status: 422, body: { error: "idempotency_key_reused" } });

    const fresh = await acme.sendNotification(body, { idempotencyKey: true });
    expect(fresh.id).not.toBe(sent.id);

    expect((await acme.getNotification(sent.id)).id).toBe(sent.id);
    expect((await acme.getAccountNotification(sent.id)).id).toBe(sent.id);
    const page = await acme.getAccountNotificationByType(type, { sort: "asc" });
    expect(page.notifications.map((n) => n.id)).toEqual([sent.id, fresh.id]);
    expect(page.total_count).toBe(2);
  });

  it("walks every page of a type with notificationsByType", async () => {
    const type = await freshType();
    const sent: string[] = [];
    for (let i = 0; i < 5; i += 1) sent.push((await acme.sendNotification(notificationBody(type))).id);
    const walked: Notification[] = [];
    for await (const notification of acme.notificationsByType({ type, sort: "asc", limit: 2 }))
      walked.push(notification);
    expect(walked.map((n) => n.id)).toEqual(sent);
    const newestFirst: string[] = [];
    for await (const notification of acme.notificationsByType({ type, limit: 3 })) newestFirst.push(notification.id);
    expect(newestFirst).toEqual([...sent].reverse());
  });

  it("throws 404 for an unknown notification", async () => {
    const error = await caught(acme.getAccountNotification(crypto.randomUUID().toUpperCase()));
    expect(error).toMatchObject({ status: 404, operation: "get_account_notification", body: { error: "not_found" } });
  });
});

describe("notification types (platform administrators)", () => {
  it("creates, lists, updates and deletes a type", async () => {
    const type = await freshType();
    expect((await acme.getNotificationTypes()).notification_types.map((t) => t.notification_type)).toContain(type);
    expect(await platform.updateNotificationType(type, { name: "Renamed" })).toMatchObject({
      notification_type: type,
      name: "Renamed",
    });
    await platform.deleteNotificationType(type);
    expect((await acme.getNotificationTypes()).notification_types.map((t) => t.notification_type)).not.toContain(type);
    const forbidden = await caught(
      acme.createNotificationType({
        notification_type: `${unique("x")}/y`,
        name: "x",
        default_template: "incidents_template",
        default_email_subject: "x",
      }),
    );
    expect(forbidden.status).toBe(403);
  });
});

describe("users and e-mail", () => {
  it("puts, reads, lists and deletes a user", async () => {
    const userId = crypto.randomUUID().toUpperCase();
    const email = `${unique("ada")}@example.com`;
    expect(await acme.putUser(userId, { name: "Ada", email })).toMatchObject({ id: userId, email });
    expect(await acme.putUser(userId, { name: "Ada L.", email })).toMatchObject({ name: "Ada L." });
    expect((await acme.getAccountUser(userId)).name).toBe("Ada L.");
    expect((await acme.getAccountUsers()).users.map((u) => u.id)).toContain(userId);
    await acme.deleteUser(userId);
    expect(await caught(acme.getAccountUser(userId))).toMatchObject({ status: 404 });
  });

  it("sends a test e-mail and finds it among the captured ones", async () => {
    const email = `${unique("soc")}@example.com`;
    const sent = await acme.testEmail({ email, subject_template: "[Test] {{display.summary}}" });
    expect(sent).toMatchObject({ code: 200, delivered: true, to: email });
    const { emails } = await acme.getCapturedEmails({ limit: 50 });
    expect(emails.find((e) => e.to === email)?.subject).toBe(sent.subject);
  });

  it("creates an email integration and sends a sample through it", async () => {
    const email = `${unique("tickets")}@example.com`;
    const tickets = await acme.createIntegration({ name: unique("tickets"), type: "email", email });
    expect(tickets).toMatchObject({ type: "email", email });
    const sample = await acme.testIntegration(tickets.id, {});
    expect(sample).toMatchObject({ code: 200, delivered: true, to: email });
    await acme.deleteIntegration(tickets.id);
  });
});

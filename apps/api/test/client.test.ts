import { SELF } from "cloudflare:test";
import {
  createHeraldClient,
  type HeraldClient,
  HeraldError,
  isHeraldError,
  isPartialDeletion,
  isSubscribersFailed,
  isValidationError,
  type Notification,
  verifyWebhook,
  type WebhookVerificationError,
} from "@herald/client";
import committedDocument from "@herald/client/openapi.json";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { ACME_USER, receiver, settled } from "./delivery-helpers";
import { ACME, ACME_READER, BASE, GLOBEX, PLATFORM, unique } from "./helpers";

// @herald/client against the real Worker (workerd, the real database and queues): every operation round-trips.

const viaWorker = (input: Request, init?: RequestInit) => SELF.fetch(input, init);

function clientFor(who: { keyId: string; secret: string }, extra: { now?: () => number } = {}): HeraldClient {
  return createHeraldClient({
    baseUrl: BASE,
    accessKeyId: who.keyId,
    secretKey: who.secret,
    fetch: viaWorker,
    ...extra,
  });
}

let acme: HeraldClient;
let platform: HeraldClient;

beforeAll(() => {
  acme = clientFor(ACME);
  platform = clientFor(PLATFORM);
});

/** A notification type no other test uses, so its subscriptions and pages hold only this test's rows. */
async function freshType(): Promise<string> {
  const type = `${unique("client")}/alerts`;
  await platform.createNotificationType({
    notification_type: type,
    name: "Client test alerts",
    default_template: "incidents_template",
    default_email_subject: "{{payload.threat}} alert",
  });
  return type;
}

const notificationBody = (type: string, incident = unique("incident")) => ({
  type,
  notification_data: { threat_level: "high" },
  asset_data: {},
  payload: { long_incident_id: incident, threat: "High", attack_summary: "SSH brute force" },
});

async function caught(promise: Promise<unknown>): Promise<HeraldError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isHeraldError(error)) throw new Error(`expected a HeraldError, got ${String(error)}`);
  return error;
}

describe("the OpenAPI document and the reference page", () => {
  it("serves the committed document without a token", async () => {
    const response = await SELF.fetch(`${BASE}/herald/v2/openapi.json`);
    expect(response.status).toBe(200);
    const served = (await response.json()) as typeof committedDocument;
    // The document CI checks against the routes is the one the Worker serves.
    expect(served).toEqual(committedDocument);
    expect(served.openapi).toBe("3.1.0");
    expect(served.components.securitySchemes["X-AIMS-Auth-Token"]).toMatchObject({
      in: "header",
      name: "x-aims-auth-token",
    });
  });

  it("documents every operation with its Herald name, tags, a summary and error responses", () => {
    const operations = Object.values(committedDocument.paths).flatMap((item) => Object.values(item));
    expect(operations.length).toBeGreaterThanOrEqual(40);
    for (const operation of operations as Array<Record<string, any>>) {
      expect(operation.operationId).toMatch(/^[a-z_]+$/);
      expect(operation.tags.length).toBeGreaterThan(0);
      expect(operation.summary).toBeTruthy();
      const errors = Object.keys(operation.responses).filter((status) => Number(status) >= 400);
      expect(errors, operation.operationId).toEqual(expect.arrayContaining(["401", "500", "503"]));
    }
    const paths = committedDocument.paths as Record<string, Record<string, { operationId: string }>>;
    expect(paths["/herald/v2/{account_id}/notifications/{type}"]?.get?.operationId).toBe(
      "get_account_notification_by_type",
    );
    expect(paths["/herald/v2/{account_id}/notifications/{notification_id}"]?.get?.operationId).toBe(
      "get_account_notification",
    );
  });

  it("serves the interactive reference without a token", async () => {
    const response = await SELF.fetch(`${BASE}/herald/v2/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain("swagger-ui");
    expect(html).toContain("/herald/v2/openapi.json");
    // Offline: every script, style sheet and link is on Herald's own origin (no CDN, no validator badge).
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(references).toEqual(["/swagger-ui/swagger-ui.css", "/swagger-ui/swagger-ui-bundle.js"]);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain("validatorUrl: null");
  });

  it("still asks for a token everywhere else under /herald/v2", async () => {
    expect((await SELF.fetch(`${BASE}/herald/v2/notification_types`)).status).toBe(401);
    expect((await SELF.fetch(`${BASE}/herald/v2/docs/x`)).status).toBe(401);
  });
});

describe("logging in with an access key", () => {
  it("logs in, acts on the key's account, and describes its token", async () => {
    expect(await acme.getAccountId()).toBe(ACME.accountId);
    const info = await acme.tokenInfo();
    expect(info.account.id).toBe(ACME.accountId);
    expect(await acme.getServiceEndpoint("default", "herald")).toEqual({ herald: new URL(BASE).host });
  });

  it("renews the token shortly before it expires", async () => {
    let now = Date.now();
    let logins = 0;
    const herald = createHeraldClient({
      baseUrl: BASE,
      accessKeyId: ACME.keyId,
      secretKey: ACME.secret,
      now: () => now,
      fetch: (input, init) => {
        if (new URL(input.url).pathname === "/aims/v1/authenticate") logins += 1;
        return SELF.fetch(input, init);
      },
    });
    await herald.getNotificationTypes();
    await herald.getNotificationTypes();
    expect(logins).toBe(1);
    const { token_expiration } = await herald.tokenInfo();
    now = token_expiration * 1000 - 30_000;
    await herald.getNotificationTypes();
    expect(logins).toBe(2);
  });

  it("works with a token instead, finding the account from token_info", async () => {
    const herald = createHeraldClient({ baseUrl: BASE, token: await acme.getToken(), fetch: viaWorker });
    expect(await herald.getAccountId()).toBe(ACME.accountId);
    expect((await herald.getAccountIntegrations()).integrations).toBeInstanceOf(Array);
  });

  it("throws the login's 401 as a HeraldError", async () => {
    const wrong = clientFor({ keyId: ACME.keyId, secret: "not-the-secret" });
    const error = await caught(wrong.getNotificationTypes());
    expect(error).toMatchObject({ status: 401, operation: "authenticate", body: { error: "unauthorized" } });
    expect(error.requestId).toEqual(expect.any(String));
  });
});

describe("subscriptions and subscribers", () => {
  it("creates, lists, reads, updates and deletes a subscription", async () => {
    const type = await freshType();
    const created = await acme.createSubscription({
      name: unique("sub"),
      class: "event",
      notification_type: type,
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
    const type = await freshType();
    const subscription = await acme.createSubscription({
      name: unique("sub"),
      class: "event",
      notification_type: type,
    });
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
    const type = await freshType();
    const subscription = await acme.createSubscription({
      name: unique("sub"),
      class: "event",
      notification_type: type,
    });
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

describe("integrations, deliveries and webhooks", () => {
  it("manages an integration and its signing secret", async () => {
    expect((await acme.getIntegrationTypes()).integration_types).toContainEqual(
      expect.objectContaining({ name: "webhook" }),
    );
    const created = await acme.createIntegration({ name: unique("hook"), target_url: "https://hooks.test/a" });
    expect((await acme.getAccountIntegrations()).integrations.map((i) => i.id)).toContain(created.id);
    expect(await acme.updateIntegration(created.id, { target_url: "https://hooks.test/b" })).toMatchObject({
      target_url: "https://hooks.test/b",
    });
    expect(await acme.getAccountIntegration(created.id)).toMatchObject({
      type: "webhook",
      target_url: "https://hooks.test/b",
    });
    const secret = await acme.getIntegrationSecret(created.id);
    expect(secret.key).toMatch(/^whsec_/);
    const rotated = await acme.rotateIntegrationSecret(created.id);
    expect(rotated.key).not.toBe(secret.key);
    await acme.deleteIntegration(created.id);
    expect(await caught(acme.getAccountIntegration(created.id))).toMatchObject({ status: 404 });
    const refused = await caught(acme.createIntegration({ name: "local", target_url: "http://127.0.0.1/hook" }));
    expect(refused).toMatchObject({ status: 400, body: { path: "target_url" } });
  });

  it("delivers a signed webhook that verifyWebhook accepts, and rejects when body, time or secret differ", async () => {
    const target = await receiver();
    const type = await freshType();
    const integration = await acme.createIntegration({ name: unique("hook"), target_url: target.url });
    await acme.createSubscription({
      name: unique("sub"),
      class: "event",
      notification_type: type,
      subscribers: [{ subscriber: integration.id, subscriber_type: "connection" }],
    });
    const sent = await acme.sendNotification(notificationBody(type), { idempotencyKey: true });
    const token = await acme.getToken();
    const [leg] = await settled(token, sent.id, 1);
    expect(leg!.status).toBe("DELIVRD");

    const [delivery] = (await acme.getNotificationDeliveries({ notification_id: sent.id })).deliveries;
    expect(delivery).toMatchObject({ id: leg!.id, channel: "webhook", status: "DELIVRD", destination: integration.id });
    expect((await acme.getDelivery(leg!.id)).attempts).toHaveLength(1);
    expect(await caught(acme.retryDelivery(leg!.id))).toMatchObject({ status: 409, body: { error: "conflict" } });

    const [received] = await target.calls();
    const { key } = await acme.getIntegrationSecret(integration.id);
    const payload = await verifyWebhook({ secret: key, headers: received!.headers, body: received!.body });
    expect(payload).toMatchObject({ id: sent.id, type });

    const rejection = (attempt: Promise<unknown>) =>
      attempt.then(
        () => "accepted",
        (error: WebhookVerificationError) => error.reason,
      );
    const { headers, body } = received!;
    const otherSecret = (await acme.rotateIntegrationSecret(integration.id)).key;
    expect(await rejection(verifyWebhook({ secret: key, headers, body: body.replace("High", "Low") }))).toBe(
      "no_matching_signature",
    );
    expect(await rejection(verifyWebhook({ secret: key, headers, body, now: Date.now() + 10 * 60_000 }))).toBe(
      "timestamp_too_old",
    );
    expect(await rejection(verifyWebhook({ secret: otherSecret, headers, body }))).toBe("no_matching_signature");

    const receipt = await acme.acknowledgeWebhook({ webhookId: received!.headers["webhook-id"]!, secret: key });
    expect(receipt).toMatchObject({ delivery_id: leg!.id, status: "READ" });
    expect((await acme.getDelivery(leg!.id)).status).toBe("READ");
  });

  it("retries a failed delivery", async () => {
    const target = await receiver([{ status: 422 }, { status: 200 }]);
    const type = await freshType();
    const integration = await acme.createIntegration({ name: unique("hook"), target_url: target.url });
    await acme.createSubscription({
      name: unique("sub"),
      class: "event",
      notification_type: type,
      subscribers: [{ subscriber: integration.id, subscriber_type: "connection" }],
    });
    const sent = await acme.sendNotification(notificationBody(type));
    const [failed] = await settled(await acme.getToken(), sent.id, 1);
    expect(failed!.status).toBe("FAILED");
    expect((await acme.retryDelivery(failed!.id)).id).toBe(failed!.id);
    const [retried] = await settled(await acme.getToken(), sent.id, 1, ["DELIVRD"]);
    expect(retried!.attempts.map((a) => a.response_code)).toEqual([422, 200]);
  });

  it("explains a notification's fan-out and reads the delivery statistics", async () => {
    const target = await receiver();
    const type = await freshType();
    const integration = await acme.createIntegration({ name: unique("hook"), target_url: target.url });
    const subscription = await acme.createSubscription({
      name: unique("sub"),
      class: "event",
      notification_type: type,
      subscribers: [{ subscriber: integration.id, subscriber_type: "connection" }],
      filters: { "=": [{ source: "notification.threat_level" }, "low"] },
    });
    const sent = await acme.sendNotification(notificationBody(type));
    const explained = await vi.waitFor(
      async () => {
        const answer = await acme.getNotificationDecisions({ notification_id: sent.id });
        expect(answer.decided_at).toBeTypeOf("number");
        return answer;
      },
      { timeout: 25_000, interval: 100 },
    );
    expect(explained.decisions).toEqual([
      {
        subscription_id: subscription.id,
        subscription_name: subscription.name,
        decision: "filtered",
        filter_mismatches: [
          { clause: "=", operator: "=", left_source: "notification.threat_level", left: "high", right: "low" },
        ],
      },
    ]);

    const statistics = await acme.getDeliveryStatistics();
    expect(statistics.until - statistics.since).toBe(86_400);
    expect(statistics.hours.length).toBeGreaterThanOrEqual(24);
    expect(await caught(acme.getDeliveryStatistics({ since: 10, until: 5 }))).toMatchObject({
      status: 400,
      body: { path: "until" },
    });
  });

  it("tests a webhook target", async () => {
    const target = await receiver([{ status: 201, body: "created it" }]);
    expect(await acme.testWebhook({ url: target.url, method: "POST", data: { hello: "world" } })).toEqual({
      code: 201,
      rawbody: "created it",
    });
  });
});

describe("alert channels", () => {
  it("creates a typed channel integration, masked, and sends a sample through it", async () => {
    const url = "https://hooks.slack.com/services/TCLIENT01/BCLIENT01/clienttestsecret0000000001";
    const slack = await acme.createIntegration({ name: unique("slack"), type: "slack", target_url: url });
    expect(slack.type).toBe("slack");
    if (slack.type !== "slack") throw new Error("a slack integration answers as one");
    expect(slack.target_url).toBe("https://hooks.slack.com/****0001");
    const answer = await acme.testIntegration(slack.id, { notification_type: "health/alerts" });
    expect(answer).toMatchObject({ code: 200, rawbody: "ok", delivered: true });
    const pagerduty = await acme.createIntegration({
      name: unique("pd"),
      type: "pagerduty",
      routing_key: "RCLIENT0123456789ABCDEF012345678",
      severity_map: { high: "critical" },
    });
    expect(pagerduty).toMatchObject({ type: "pagerduty", routing_key: "****5678", region: "us" });
    const jira = await acme.createIntegration({
      name: unique("jira"),
      type: "jira",
      jira_domain: "acme.atlassian.net",
      email: "bot@example.com",
      api_token: "ATATT-client-0001",
      project: "SEC",
    });
    expect(jira).toMatchObject({ type: "jira", api_token: "****0001", issue_type: "Task" });
    const types = await acme.getIntegrationTypes();
    expect(types.integration_types.map((type) => type.name)).toEqual(expect.arrayContaining(["splunk_hec", "snow"]));
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

// Alert Logic's own TypeScript client, @al/herald (AlHeraldClientV2) on @al/core, unchanged, against the Node runtime:
// no browser, the client's own session (AIMS login with an access key), and its own endpoint resolution. @al/core finds
// Herald only through the bulk Endpoints lookup: the Insight API default it would fall back to points nowhere.
//
// The calls: every AlHeraldClientV2 method whose path is Herald v2's (its own methods, and those it inherits from the v1
// client whose paths Herald v2 serves: integrations, notifications by id and by type, sent-incident statuses,
// testWebhook). Two fail because of the client itself: `unsubscribeFromSubscriptionType` sends a literal
// `:subscriber`, and `getNotificationByAccountId` POSTs no body.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { AlLocation, AlRuntimeConfiguration, AlSession } from "@al/core";
import { AlHeraldClientV2 } from "@al/herald";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type NodeRuntime, startNodeRuntime } from "../../node/runtime";
import { prepareLocalDb } from "../../scripts/prepare-local-db";
import { ACME, PLATFORM, unique } from "../common";
import { startVendorFakes, type VendorFakesServer } from "../fakes/serve.node";
import { provisionTestKeys } from "../fixtures.node";
import { NODE_TEST_ENV, type ReceiverServer, startReceiverServer } from "../harness.node";
import type { Receiver } from "../scenarios/harness";

// What @al/core rejects with when Herald answers an error: the axios response.
interface RejectedCall {
  status: number;
  data: { error?: string; path?: string; details?: string };
  config: { url: string; method: string; data?: unknown };
}

async function rejectionOf(call: Promise<unknown>): Promise<RejectedCall> {
  try {
    await call;
  } catch (error) {
    return error as RejectedCall;
  }
  throw new Error("the call succeeded");
}

const herald = AlHeraldClientV2;
const account = ACME.accountId;
const SLACK_URL = "https://hooks.slack.com/services/T00000000/B00000000/consoleclienttest";

let runtime: NodeRuntime;
let receivers: ReceiverServer;
let vendors: VendorFakesServer;
let dbPath: string;
const endpointWarnings: string[] = [];

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), "herald-node-al-herald-")), "herald.db");
  await prepareLocalDb(dbPath);
  await provisionTestKeys(dbPath);
  receivers = await startReceiverServer();
  vendors = await startVendorFakes();
  runtime = await startNodeRuntime({ port: 0, env: { ...NODE_TEST_ENV, LIBSQL_URL: `file:${dbPath}` } });

  // AIMS (login, endpoints) at Herald; the Insight API default at a closed port, so a call that reaches Herald was sent
  // where the Endpoints answer said. Account metadata resolution reads services Herald does not have.
  AlRuntimeConfiguration.remapLocation(AlLocation.GlobalAPI, runtime.url);
  AlRuntimeConfiguration.remapLocation(AlLocation.InsightAPI, "http://127.0.0.1:9");
  AlRuntimeConfiguration.options.noAccountMetadata = true;
  const warn = console.warn;
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    if (String(args[0]).includes("endpoints")) endpointWarnings.push(String(args[0]));
    warn(...args);
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  await runtime?.close();
  await vendors?.close();
  await receivers?.close();
  if (dbPath) rmSync(dirname(dbPath), { recursive: true, force: true });
});

async function logInAs(who: { keyId: string; secret: string; accountId: string }) {
  await AlSession.authenticate(who.keyId, who.secret);
  expect(AlSession.getActingAccountId()).toBe(who.accountId);
}

describe.sequential("@al/herald's AlHeraldClientV2 against the Node runtime", () => {
  const notificationType = `console/${unique("alerts")}`;
  const doomedType = `console/${unique("doomed")}`;
  const incident = unique("incident");
  let webhookReceiver: Receiver;
  let webhookId: string;
  let slackId: string;
  let subscriptionId: string;
  let notificationId: string;

  it("notification types, as a platform administrator: createNotificationType, updateNotificationType, getAllNotificationTypes, deleteNotificationType", async () => {
    await logInAs(PLATFORM);
    const type = {
      notification_type: notificationType,
      name: "Console client alerts",
      default_template: "incidents_template",
      templates: ["incidents_template"],
      default_email_subject: "Console client alert",
    };
    expect(await herald.createNotificationType(type)).toMatchObject(type);
    expect(await herald.createNotificationType({ ...type, notification_type: doomedType })).toMatchObject({
      notification_type: doomedType,
    });
    // The console sends the whole type back with its changes.
    expect(await herald.updateNotificationType(notificationType, { ...type, name: "Console alerts" })).toMatchObject({
      notification_type: notificationType,
      name: "Console alerts",
    });
    await herald.deleteNotificationType(doomedType);
    const types = (await herald.getAllNotificationTypes()).map((listed) => listed.notification_type);
    expect(types).toContain(notificationType);
    expect(types).not.toContain(doomedType);
  });

  it("integrations: getIntegrationTypes, createIntegration (type in the path), getIntegrationsByAccount, getIntegrationById, updateIntegration", async () => {
    await logInAs(ACME);
    const types = (await herald.getIntegrationTypes()).map((type: { name: string }) => type.name);
    expect(types).toEqual(expect.arrayContaining(["webhook", "slack", "pagerduty", "email"]));

    webhookReceiver = await receivers.receiver();
    const webhook = await herald.createIntegration(account, "webhook", {
      name: "Console webhook",
      target_url: webhookReceiver.url,
      headers: { "X-Console": "yes" },
    });
    expect(webhook).toMatchObject({ type: "webhook", name: "Console webhook", target_url: webhookReceiver.url });
    webhookId = webhook.id as string;

    const slack = await herald.createIntegration(account, "slack", {
      name: "Console Slack",
      target_url: vendors.loopbackUrl(SLACK_URL),
    });
    expect(slack).toMatchObject({ type: "slack", name: "Console Slack" });
    expect(slack.target_url).toMatch(/\*{4}/);
    slackId = slack.id as string;

    // "Email Ticketing", as the console creates it: {name, email}.
    const tickets = await herald.createIntegration(account, "email", {
      name: "Console tickets",
      email: "tickets@example.com",
    });
    expect(tickets).toMatchObject({ type: "email", name: "Console tickets", email: "tickets@example.com" });

    const listed = (await herald.getIntegrationsByAccount(account)).map((integration) => integration.id);
    expect(listed).toEqual(expect.arrayContaining([webhookId, slackId, tickets.id]));
    expect(await herald.getIntegrationById(account, webhookId)).toMatchObject({ id: webhookId, type: "webhook" });
    expect(await herald.updateIntegration(account, webhookId, { name: "Console webhook 2" })).toMatchObject({
      id: webhookId,
      name: "Console webhook 2",
    });
  });

  it("createIntegration of a Jira connection takes the console's payload; a type Herald lacks is a 400", async () => {
    const jira = (await herald.createIntegration(account, "jira", {
      name: "Console Jira",
      email: "soc@example.com",
      api_token: "token",
      reporter_id: "1",
      jira_domain: "example.atlassian.net",
      project: "SOC",
    })) as unknown as Record<string, unknown>;
    expect(jira).toMatchObject({
      type: "jira",
      jira_domain: "example.atlassian.net",
      project: "SOC",
      api_token: "****",
    });
    const refused = await rejectionOf(
      herald.createIntegration(account, "ms_power_automate", { name: "Console flow" } as never),
    );
    expect(refused.status).toBe(400);
    expect(refused.data).toMatchObject({ error: "invalid_value", path: "type" });
    expect(refused.data.details).toContain("'ms_power_automate'");
  });

  it("tests: testIntegration (webhook, slack, email) and testWebhook (the older path)", async () => {
    const target = await receivers.receiver([{ status: 200, body: "console ok" }]);
    expect(
      await herald.testIntegration(account, "webhook", { url: target.url, method: "POST", data: { hello: "console" } }),
    ).toEqual({ code: 200, rawbody: "console ok" });
    expect((await target.calls()).map((call) => JSON.parse(call.body))).toEqual([{ hello: "console" }]);

    // The client types only the payloads of its own three types; it sends any other as given.
    const slackConfiguration = { target_url: vendors.loopbackUrl(SLACK_URL) } as never;
    const slackTest = (await herald.testIntegration(account, "slack", slackConfiguration)) as unknown as {
      request_body: string;
    };
    expect(slackTest).toMatchObject({ code: 200, delivered: true });
    expect(JSON.parse(slackTest.request_body)).toHaveProperty("blocks");

    expect(await herald.testIntegration(account, "email", { email: "soc@example.com" })).toMatchObject({
      code: 200,
      delivered: true,
      to: "soc@example.com",
    });

    const older = await receivers.receiver([{ status: 201, body: "older path" }]);
    expect(await herald.testWebhook({ url: older.url, method: "POST" })).toEqual({ code: 201, rawbody: "older path" });
    expect(await older.calls()).toHaveLength(1);
  });

  it("subscriptions and subscribers: createSubscription, getAllSubscriptionsByAccount, getSubscriptionByAccountAndSubscriptionId, updateSubscription, addSubscriberToSubscription, listAllSubscribers, batchUpdateSubscriptions", async () => {
    const created = await herald.createSubscription(account, {
      name: "Console subscription",
      class: "event",
      notification_type: notificationType,
      active: true,
      subscribers: [{ subscriber: webhookId, subscriber_type: "connection", subscription_id: "", id: "" }] as never,
    });
    expect(created).toMatchObject({ name: "Console subscription", notification_type: notificationType });
    subscriptionId = created.id;

    const all = await herald.getAllSubscriptionsByAccount(account, {
      notification_type: notificationType,
      include_subscribers: true,
    });
    expect(all.map((subscription) => subscription.id)).toEqual([subscriptionId]);
    expect(await herald.getSubscriptionByAccountAndSubscriptionId(account, subscriptionId)).toMatchObject({
      id: subscriptionId,
    });
    expect(await herald.updateSubscription(account, subscriptionId, { name: "Console subscription 2" })).toMatchObject({
      id: subscriptionId,
      name: "Console subscription 2",
    });

    expect(
      // The client's type predates `connection` (it lists user, webhook, all); the console sends connection.
      await herald.addSubscriberToSubscription(account, subscriptionId, {
        subscriber: slackId,
        subscriber_type: "connection" as never,
      }),
    ).toMatchObject({ subscriber: slackId, subscriber_type: "connection" });
    const subscribers = await herald.listAllSubscribers(account, subscriptionId);
    expect(subscribers.map((subscriber) => subscriber.subscriber).sort()).toEqual([webhookId, slackId].sort());

    await herald.batchUpdateSubscriptions(account, subscriptionId, [
      { subscriber: slackId, subscriber_type: "connection", action: "delete" },
    ] as never);
    expect((await herald.listAllSubscribers(account, subscriptionId)).map((s) => s.subscriber)).toEqual([webhookId]);
  });

  it("unsubscribeFromSubscriptionType fails for the client's own reason: it sends a literal ':subscriber'", async () => {
    const failed = await rejectionOf(herald.unsubscribeFromSubscriptionType(account, subscriptionId, "connection"));
    expect(failed.config.url).toMatch(/\/subscribers\/connection\/:subscriber$/);
    expect(failed.status).toBe(404);
    expect((await herald.listAllSubscribers(account, subscriptionId)).map((s) => s.subscriber)).toEqual([webhookId]);
  });

  it("notifications: sendNotificationV2 (cid as a numeric string), sendNotification, getNotificationByAccountIdAndNotificationId, getNotification, getNotificationsById, getNotificationsByFeatureBySubscription", async () => {
    const sent = await herald.sendNotificationV2(account, {
      type: notificationType,
      notification_data: {
        class: "web_attack_recon",
        threat_level: "high",
        attackers: ["203.0.113.7"],
        targets: ["198.51.100.2"],
        status: "open",
        appliance: "appliance-1",
        detection_source: "network_ids",
      },
      asset_data: {
        deployment_id: "1E20CE42-0BED-44A1-943F-EAE900C01741",
        tags: [{ key: "env", value: "prod" }],
        tag_keys: [],
      },
      payload: { cid: "68450188", long_incident_id: incident, incident_id: "console", threat: "High" },
    });
    expect(sent).toMatchObject({ type: notificationType, status: "created", payload: { cid: 68450188 } });
    notificationId = sent.id as string;

    const again = await herald.sendNotification(account, {
      type: notificationType,
      notification_data: { threat_level: "low" },
      asset_data: {},
      payload: { long_incident_id: unique("other-incident") },
    } as never);
    expect(again).toMatchObject({ type: notificationType, status: "created" });

    expect(await herald.getNotificationByAccountIdAndNotificationId(account, notificationId)).toMatchObject({
      id: notificationId,
      payload: { cid: 68450188 },
    });
    expect(await herald.getNotification(notificationId)).toMatchObject({ id: notificationId });
    expect(await herald.getNotificationsById(notificationId)).toMatchObject({ id: notificationId });
    const [feature, subkey] = notificationType.split("/") as [string, string];
    // The method answers the page's `notifications` array, though its declared type is the page.
    const byType = (await herald.getNotificationsByFeatureBySubscription(account, feature, subkey, {
      limit: 10,
    })) as unknown as Array<{ id: string }>;
    expect(byType.map((notification) => notification.id).sort()).toEqual([notificationId, again.id].sort());
  });

  it("getSentNotificationsByIncidentId (the older path) answers the incident's delivery statuses", async () => {
    await expect.poll(async () => (await webhookReceiver.calls()).length, { timeout: 15_000 }).toBe(2);
    const delivered = await vi.waitFor(
      async () => {
        const sent = await herald.getSentNotificationsByIncidentId(account, incident);
        expect(sent.map((notification) => notification.id)).toEqual([notificationId]);
        expect(sent[0]?.statuses).toEqual([expect.objectContaining({ status: "DELIVRD" })]);
        return sent;
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(delivered[0]).toMatchObject({ type: notificationType });
  });

  it("getNotificationByAccountId fails for the client's own reason: it POSTs the notifications path without a body", async () => {
    const failed = await rejectionOf(herald.getNotificationByAccountId(account, { limit: 10 } as never));
    expect(failed.config).toMatchObject({ method: "post" });
    expect(failed.config.url).toMatch(new RegExp(`/herald/v2/${account}/notifications$`));
    expect(failed.config.data).toBeUndefined();
    // No body, so no content type: the send route refuses it as it refuses any body that is not JSON.
    expect(failed.status).toBe(415);
    expect(failed.data.error).toBe("unsupported_media_type");
  });

  it("deletions: deleteSubscriptionById, deleteSubscriptionsByIds, deleteIntegration", async () => {
    const second = await herald.createSubscription(account, {
      name: "Console subscription to delete",
      class: "event",
      notification_type: notificationType,
      active: false,
    });
    await herald.deleteSubscriptionById(account, subscriptionId);
    await herald.deleteSubscriptionsByIds(account, [second.id]);
    expect(await herald.getAllSubscriptionsByAccount(account, { notification_type: notificationType })).toEqual([]);

    await herald.deleteIntegration(account, slackId);
    const left = (await herald.getIntegrationsByAccount(account)).map((integration) => integration.id);
    expect(left).toContain(webhookId);
    expect(left).not.toContain(slackId);
  });

  it("found Herald through the bulk Endpoints lookup, never the fallback", () => {
    expect(endpointWarnings).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import {
  AddSubscriberRequest,
  BatchDeleteSubscriptionsRequest,
  BatchUpdateSubscribersRequest,
  CreateIntegrationRequest,
  CreateNotificationTypeRequest,
  CreateSubscriptionRequest,
  IncidentNotification,
  Notification,
  SendNotificationRequest,
  SubscriberRequest,
  SubscriptionOptions,
  SuppressionInterval,
  TemplateKey,
  UpdateSubscriptionRequest,
} from "../src";
import * as al from "./alertlogic-examples";
import { accepts, issues, rejects } from "./support";

describe("Alert Logic's examples", () => {
  it("send notification request", () => {
    expect(SendNotificationRequest.parse(al.sendNotificationRequest)).toEqual(al.sendNotificationRequest);
    accepts(SendNotificationRequest, al.sendNotificationMinimal);
  });

  it.each([
    ["sparse", al.createSubscriptionSparse],
    ["full", al.createSubscriptionFull],
    ["almdrlib", al.createSubscriptionAlmdrlib],
  ])("create subscription, %s", (_, example) => {
    expect(CreateSubscriptionRequest.parse(example)).toEqual({ active: true, ...example });
  });

  it("update subscription: set inactive", () => {
    expect(UpdateSubscriptionRequest.parse(al.updateSubscriptionInactive)).toEqual({ active: false });
  });

  it("update subscription: email_subject false is rejected, as its own string type says", () => {
    expect(issues(UpdateSubscriptionRequest, al.updateSubscriptionNameAndOptions)).toEqual([
      { code: "invalid_type", path: "options.email_subject" },
    ]);
  });

  it("subscriber requests", () => {
    expect(SubscriberRequest.parse(al.subscriberRequest)).toEqual(al.subscriberRequest);
    expect(AddSubscriberRequest.parse(al.subscriberRequestExtra)).toEqual(al.subscriberRequestExtra);
    accepts(AddSubscriberRequest, al.subscriberRequest);
  });

  it("batch update subscribers, wrapped as the schema says", () => {
    accepts(BatchUpdateSubscribersRequest, { subscribers: al.batchUpdateSubscriberItems });
    rejects(BatchUpdateSubscribersRequest, al.batchUpdateSubscriberItems);
  });

  it("batch delete subscriptions, wrapped as the schema says", () => {
    accepts(BatchDeleteSubscriptionsRequest, { ids: al.batchDeleteIds });
    rejects(BatchDeleteSubscriptionsRequest, al.batchDeleteIds);
  });

  it("field examples", () => {
    accepts(SubscriptionOptions, al.subscriptionOptions);
    accepts(SuppressionInterval, al.suppressionInterval);
    accepts(TemplateKey, al.templateKey);
    accepts(CreateNotificationTypeRequest, al.notificationType);
  });

  it("webhook integration (2021-11), under both property names", () => {
    const { headers, ...rest } = al.webhookIntegration;
    const expected = { ...rest, headers };
    expect(CreateIntegrationRequest.parse(al.webhookIntegration)).toEqual(expected);
    expect(CreateIntegrationRequest.parse({ ...rest, header: headers })).toEqual(expected);
  });

  it("responses", () => {
    expect(Notification.parse(al.notification)).toEqual(al.notification);
    expect(IncidentNotification.parse(al.incidentNotification)).toEqual(al.incidentNotification);
  });
});

// ---- The OpenAPI document ----

/** Every exported zod schema, by export name. */

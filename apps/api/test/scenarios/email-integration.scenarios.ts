// The `email` integration type (e-mail ticketing, issue #16) end to end, written once over a harness and run by both
// suites: the Worker in workerd (test/email-integration.test.ts) and the Node runtime
// (node/email-integration.test.ts), each with the capture transport, whose e-mails `GET .../emails` reads. Each
// scenario makes an integration, subscribes it to a fresh type, sends notifications and reads the leg and the e-mail.

import type { RequestBody, Schemas } from "@herald/client";
import { beforeAll, describe, expect, it } from "vitest";
import { unique } from "../common";
import { ACCOUNT, deliveryTools, type Harness } from "./harness";

type EmailBody = Omit<Schemas["Create-Integration-Email"], "name" | "type">;

export function defineEmailIntegrationScenarios(harness: Harness) {
  const {
    herald,
    createIntegrationOf,
    signIn,
    freshType,
    subscribe,
    send,
    deliveries,
    settled,
    notificationStatus,
    incidentRepeated,
  } = deliveryTools(harness);

  let token: string;
  let platform: string;
  beforeAll(async () => ({ token, platform } = await signIn()));

  const mailbox = () => `${unique("tickets")}@example.com`;

  const createEmailIntegration = (body: EmailBody) =>
    createIntegrationOf(token, { type: "email", ...body }, "ticketing");

  /** An integration subscribed to a fresh type, so only this scenario's notifications reach it. */
  async function subscribed(body: EmailBody, subscription: Partial<RequestBody<"create_subscription">> = {}) {
    const integration = await createEmailIntegration(body);
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }], subscription);
    return { integration, type };
  }

  async function emailsTo(to: string) {
    const result = await herald(token).getCapturedEmails({ limit: 200 });
    return result.emails.filter((email) => email.to === to);
  }

  describe("email integrations (e-mail ticketing)", () => {
    it("e-mails the rendered notification to the integration's address, subject from its template", async () => {
      const to = mailbox();
      const { integration, type } = await subscribed(
        { email: to, subject_template: "[SOC] {{display.threat}} {{payload.long_incident_id}}: {{display.summary}}" },
        // The integration's subject template wins over the subscription's, which wins over the type's.
        { options: { email_subject: "subscription subject" } },
      );
      const incident = unique("incident");
      const notification = await send(token, type, {
        payload: { long_incident_id: incident, threat: "High", attack_summary: "Ticket me <b>now</b>" },
      });

      const [leg] = await settled(token, notification.id, 1);
      const subject = `[SOC] High ${incident}: Ticket me <b>now</b>`;
      // An integration leg (channel webhook, destination the integration) that went by e-mail: address and subject.
      expect(leg).toMatchObject({
        channel: "webhook",
        destination: integration.id,
        status: "DELIVRD",
        address: to,
        subject,
      });
      expect(leg?.attempts).toHaveLength(1);

      const [email, ...more] = await emailsTo(to);
      expect(more).toEqual([]);
      expect(email).toMatchObject({ delivery_id: leg?.id, to, subject });
      // The users' e-mail: the type's template, HTML-escaped, with a plain-text part.
      expect(email?.html).toContain("<!DOCTYPE html>");
      expect(email?.html).toContain("Ticket me &lt;b&gt;now&lt;/b&gt;");
      expect(email?.html).not.toContain("<b>now</b>");
      expect(email?.text).toContain("Ticket me <b>now</b>");
      expect(email?.text).toContain(notification.id);
    });

    it("without a subject template, takes the subscription's e-mail subject as a user's e-mail does", async () => {
      const to = mailbox();
      const { type } = await subscribed({ email: to }, { options: { email_subject: "Ticket {{payload.ticket}}" } });
      const notification = await send(token, type, {
        payload: { long_incident_id: unique("incident"), ticket: "T-42", attack_summary: "x" },
      });
      const [leg] = await settled(token, notification.id, 1);
      expect(leg).toMatchObject({ status: "DELIVRD", subject: "Ticket T-42" });
      const [email] = await emailsTo(to);
      expect(email).toMatchObject({ delivery_id: leg?.id, subject: "Ticket T-42" });
    });

    it("is e-mailed once per incident within the subscription's suppression interval", async () => {
      const to = mailbox();
      const { type } = await subscribed({ email: to }, { suppression_interval: 60 });
      const { repeat } = await incidentRepeated(token, type);
      expect(await deliveries(token, repeat.id)).toEqual([]);
      expect(await emailsTo(to)).toHaveLength(2);
    });

    it("the test call sends one sample e-mail to the stored address and answers what was sent", async () => {
      const to = mailbox();
      const integration = await createEmailIntegration({ email: to, subject_template: "[Test] {{display.summary}}" });
      const result = await herald(token).raw.POST("/herald/v2/{account_id}/integrations/{id}/test", {
        params: { path: { account_id: ACCOUNT, id: integration.id } },
        body: {},
      });
      expect(result.response.status).toBe(200);
      const subject = "[Test] Herald test notification: a sample incident";
      expect(result.data).toMatchObject({ code: 200, rawbody: "captured", delivered: true, to, subject });
      const [email, ...more] = await emailsTo(to);
      expect(more).toEqual([]);
      expect(email).toMatchObject({ delivery_id: null, to, subject, text: result.data?.request_body });
    });

    it("a deleted integration is e-mailed nothing: deleting it removed it from its subscriptions", async () => {
      const to = mailbox();
      const { integration, type } = await subscribed({ email: to });
      const removed = await herald(token).raw.DELETE("/herald/v2/{account_id}/integrations/{id}", {
        params: { path: { account_id: ACCOUNT, id: integration.id } },
      });
      expect(removed.response.status).toBe(204);
      const notification = await send(token, type);
      await notificationStatus(token, notification.id, "completed");
      expect(await deliveries(token, notification.id)).toEqual([]);
      expect(await emailsTo(to)).toEqual([]);
    });
  });
}

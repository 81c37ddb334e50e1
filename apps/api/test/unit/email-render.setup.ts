import { sendNotificationRequest } from "@herald/contracts/alertlogic-examples";
import { expect } from "vitest";
import { type EmailView, renderEmail } from "../../src/delivery/email/render";
import { EMAIL_TEMPLATES } from "../../src/delivery/email/templates";

// The shared set-up of the email-render.*.test.ts files.

// The "Send Notification Request Example" of Alert Logic's Herald definition (herald-contract.md §2.2.5), as the
// stored "Notification Example" (id, account) would be rendered.

export function exampleView(): EmailView {
  return {
    account: { id: "12345678", name: "Albert Conglomerate" },
    notification: {
      id: "3B8EAFA0-1E1A-4744-AB53-0EE45EA8B102",
      type: "incidents/alerts",
      created_at: "2018-01-30T00:51:52.000Z",
    },
    // Alert Logic's own send example, whose payload the incidents template was written for.
    notification_data: sendNotificationRequest.notification_data,
    asset_data: sendNotificationRequest.asset_data,
    payload: sendNotificationRequest.payload,
    attachments: sendNotificationRequest.attachments,
  };
}

export const INCIDENT_SUBJECT = "{{payload.threat}} Threat Incident : {{payload.attack_summary}}";

export function render(overrides: Partial<Parameters<typeof renderEmail>[0]> = {}) {
  return renderEmail({
    templateKey: "incidents_template",
    subjectTemplate: INCIDENT_SUBJECT,
    fallbackSubject: "Incidents",
    view: exampleView(),
    includeAttachments: true,
    ...overrides,
  });
}

export function withPayload(payload: Record<string, unknown>, view = exampleView()): EmailView {
  return { ...view, payload: { ...view.payload, ...payload } };
}

export const TEMPLATE_KEYS = Object.keys(EMAIL_TEMPLATES);

/** Each of `bodies` (an e-mail's HTML and text parts) contains each of `expected`. */
export function expectEachToContain(bodies: string[], expected: string[]): void {
  for (const body of bodies) {
    for (const value of expected) expect(body).toContain(value);
  }
}

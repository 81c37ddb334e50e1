import type { CapturedEmailList, EmailTestRequest, EmailTestResponse } from "@herald/contracts";
import { type CapturedEmailRow, findAccount, listCapturedEmails as listRows } from "@herald/db";
import { renderEmail } from "../delivery/email/render";
import type { ServiceContext } from "./context";

function toCapturedEmail(row: CapturedEmailRow) {
  return {
    id: row.id,
    delivery_id: row.deliveryId,
    to: row.to,
    subject: row.subject,
    html: row.html,
    text: row.text,
    created: Math.floor(row.createdAt / 1000),
  };
}

/** What the `capture` transport kept for the account, newest first; always empty with a real provider. */
export async function listCapturedEmails(
  ctx: ServiceContext,
  accountId: string,
  limit: number,
): Promise<CapturedEmailList> {
  return { emails: (await listRows(ctx.services.db, accountId, limit)).map(toCapturedEmail) };
}

/** The incident a test e-mail shows: enough fields for every part of `incidents_template` to render. */
const SAMPLE_INCIDENT = {
  notification: { id: "00000000-0000-4000-8000-000000000000", type: "incidents/alerts" },
  notification_data: {
    threat_level: "High",
    escalated: true,
    attackers: ["203.0.113.7"],
    targets: ["web-01.example.com"],
  },
  asset_data: { deployment_name: "Example deployment" },
  payload: {
    attack_summary: "Herald test e-mail: a sample incident, not a real one",
    long_incident_id: "test",
    analyst_notes: "[]",
  },
};

/**
 * `POST /{account_id}/email/test`, as Alert Logic's console calls it: a sample incident e-mail sent through the
 * configured transport, answering what the provider answered (`code` 0 when it could not be reached).
 */
export async function sendTestEmail(
  ctx: ServiceContext,
  accountId: string,
  body: EmailTestRequest,
): Promise<EmailTestResponse> {
  const { services } = ctx;
  const account = await findAccount(services.db, accountId);
  const rendered = renderEmail({
    templateKey: "incidents_template",
    subjectTemplate: "[Test] {{display.threat}} incident: {{display.summary}}",
    includeAttachments: false,
    view: {
      ...SAMPLE_INCIDENT,
      account: { id: accountId, name: account?.name ?? accountId },
      notification: { ...SAMPLE_INCIDENT.notification, created_at: new Date(services.now()).toISOString() },
      attachments: [],
    },
  });
  const sent = await services.email.send({ accountId, deliveryId: null, to: body.email, ...rendered });
  if (sent.ok) return { code: sent.responseCode ?? 200, rawbody: sent.responseBody ?? "captured" };
  return { code: sent.responseCode ?? 0, rawbody: sent.responseBody ?? sent.outcome.reason };
}

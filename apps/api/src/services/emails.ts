import type { CapturedEmailList, EmailTestRequest, EmailTestResponse } from "@herald/contracts";
import { type CapturedEmailRow, listCapturedEmails as listRows } from "@herald/db";
import type { ServiceContext } from "./context";
import { testIntegrationConfiguration } from "./integration-test";

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

/**
 * `POST /{account_id}/email/test`, as Alert Logic's console calls it: the `email` integration type's configuration
 * test. A sample notification rendered as the integration's legs would render it, sent through the configured
 * transport to `email`; nothing is stored (the capture transport keeps the e-mail, as it keeps every one).
 */
export async function sendTestEmail(
  ctx: ServiceContext,
  accountId: string,
  body: EmailTestRequest,
): Promise<EmailTestResponse> {
  return testIntegrationConfiguration(ctx, accountId, "email", body);
}

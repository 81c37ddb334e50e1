import type {
  IntegrationConfigurationTestRequest,
  IntegrationTestRequest,
  IntegrationTestResponse,
} from "@herald/contracts";
import type { IntegrationRow, NotificationTypeRow } from "@herald/db";
import { inScope } from "../auth/scope";
import { callIntegration, type EmailRenderInput } from "../delivery/attempts";
import type { NotificationView } from "../delivery/channels/message";
import { channelUrl, isChannel } from "../delivery/channels/request";
import { isTicketing } from "../delivery/tickets/render";
import { ApiError } from "../errors";
import { findOpenIntegration } from "../security/integration-secrets";
import { checkIntegrationUrl } from "../security/vendor-urls";
import type { ServiceContext } from "./context";
import { checkConversion } from "./integration-config";
import { createRequestOfType, newIntegrationRow } from "./integrations";

const SAMPLE_ID = "00000000-0000-4000-8000-000000000000";

// What a test call renders, per notification type: the facts a real one of that type carries.
const SAMPLES: Record<string, Pick<NotificationView, "notificationData" | "payload">> = {
  "incidents/alerts": {
    notificationData: { threat_level: "high", class: "web_attack_recon", status: "open", escalated: true },
    payload: {
      attack_summary: "Herald test notification: a sample incident",
      threat: "High",
      long_incident_id: "herald-test-incident",
      incident_id: "herald-test",
    },
  },
  "report/scheduled": {
    notificationData: { schedule_id: "herald-test-schedule" },
    payload: { report_name: "Herald test report", report_type: "sample" },
  },
  "health/alerts": {
    notificationData: { status: "warning", threat_level: "medium" },
    payload: { attack_summary: "Herald test notification: a sample health alert" },
  },
};

function sampleView(accountId: string, accountName: string, type: string, typeName: string): NotificationView {
  const sample = SAMPLES[type] ?? SAMPLES["incidents/alerts"];
  return {
    id: SAMPLE_ID,
    type,
    typeName,
    accountId,
    accountName,
    createdAt: new Date().toISOString(),
    notificationData: sample?.notificationData ?? {},
    assetData: {},
    payload: sample?.payload ?? {},
    attachments: [],
  };
}

/**
 * `POST /{account_id}/integrations/{id}/test`: one call of the integration with a sample notification of the chosen
 * type, rendered as deliveries are, answering what the target said and what Herald would make of it. Nothing is
 * recorded, and an answer that would disable the integration does not.
 */
export async function testIntegration(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  body: IntegrationTestRequest,
): Promise<IntegrationTestResponse> {
  const { services } = ctx;
  const integration = await findOpenIntegration(services.db, services.secrets, accountId, id.toUpperCase());
  if (!integration || !inScope(ctx.auth, integration.id)) throw ApiError.notFound(`integration '${id}'`);
  return callWithSample(ctx, accountId, integration, body.notification_type);
}

/**
 * `POST /{account_id}/{type}/test`, as Alert Logic's console tests a connection before saving it: the configuration in
 * the body, checked as a create request of the path's type would be, called once like a stored integration. Nothing
 * is stored.
 */
export async function testIntegrationConfiguration(
  ctx: ServiceContext,
  accountId: string,
  type: string,
  body: IntegrationConfigurationTestRequest,
): Promise<IntegrationTestResponse> {
  const { notification_type, ...configuration } = body;
  const request = createRequestOfType(type, { name: "Herald test", ...configuration });
  const row = await newIntegrationRow(ctx, accountId, request);
  await checkConversion(row.config);
  return callWithSample(ctx, accountId, row, notification_type);
}

async function callWithSample(
  ctx: ServiceContext,
  accountId: string,
  integration: IntegrationRow,
  notificationType: string,
): Promise<IntegrationTestResponse> {
  const { services } = ctx;
  const type = await services.hotReads.notificationType(notificationType);
  if (!type) throw ApiError.invalid("notification_type", `'${notificationType}' is not a notification type`);
  const account = await services.hotReads.account(accountId);
  const view = sampleView(accountId, account?.name || accountId, type.notificationType, type.name);

  // A URL the policy refuses is the caller's to fix: a 400, where a delivery would fail the leg. (An `email`
  // integration has an address, checked when its configuration was.)
  if (integration.type !== "email") {
    const url = isChannel(integration) ? channelUrl(integration) : integration.targetUrl;
    const verdict = checkIntegrationUrl(integration.type, url, { allowLoopback: services.allowLoopbackTargets });
    if (!verdict.ok) {
      const field =
        integration.type === "snow" ? "instance_name" : isTicketing(integration) ? "jira_domain" : "target_url";
      throw ApiError.invalid(field, `the ${field === "target_url" ? "target URL" : field} ${verdict.reason}`);
    }
  }
  const document = sampleNotification(view);
  const call = await callIntegration(services, integration, {
    deliveryId: SAMPLE_ID,
    document: () => document,
    body: () => JSON.stringify(document),
    message: () => ({ view, options: {} }),
    email: () => ({ render: sampleEmail(view, type), deliveryId: null }),
  });
  if (!call.sent)
    return { code: 0, rawbody: `not sent: ${call.reason}`, delivered: false, reason: call.reason, request_body: "" };
  const { result } = call;
  const { outcome } = result;
  const delivered = outcome.kind === "delivered";
  const email = "subject" in result && typeof result.subject === "string" ? result : undefined;
  // The capture transport answers nothing of its own: what it did is keep the e-mail.
  const captured = email !== undefined && delivered && result.responseCode === undefined;
  return {
    code: result.responseCode ?? (captured ? 200 : 0),
    rawbody: result.responseBody ?? (captured ? "captured" : result.error ? `not sent: ${result.error}` : ""),
    delivered,
    ...(delivered ? {} : { reason: outcome.reason }),
    request_body: call.body,
    ...(email ? { to: email.address ?? "", subject: email.subject ?? "" } : {}),
  };
}

/** The sample as the type's default e-mail renders it, as a user subscribed without options would get it. */
function sampleEmail(view: NotificationView, type: NotificationTypeRow): EmailRenderInput {
  return {
    templateKey: type.defaultTemplate,
    subjectTemplate: type.defaultEmailSubject,
    fallbackSubject: type.name || type.notificationType,
    includeAttachments: false,
    view: {
      account: { id: view.accountId, name: view.accountName },
      notification: { id: view.id, type: view.type, created_at: view.createdAt },
      notification_data: view.notificationData,
      asset_data: view.assetData,
      payload: view.payload,
      attachments: [],
    },
  };
}

/** The sample as a webhook body: the notification document deliveries carry. */
function sampleNotification(view: NotificationView) {
  const at = Math.floor(Date.parse(view.createdAt) / 1000);
  return {
    id: view.id,
    account_id: view.accountId,
    type: view.type,
    notification_data: view.notificationData,
    asset_data: view.assetData,
    payload: view.payload,
    status: "created",
    created: { at, by: "herald-test" },
    modified: { at, by: "herald-test" },
  };
}

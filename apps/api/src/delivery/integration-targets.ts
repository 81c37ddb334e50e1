// What each integration leg of a batch calls: the integration with its secrets opened (once per batch), the webhook
// document and body (each made once per notification), and what a channel type renders its message from (or an
// `email` integration its e-mail).
import type { Notification } from "@herald/contracts";
import type { DeliveryRow, IntegrationRow, NotificationRow, RenderContext } from "@herald/db";
import type { Services } from "../env";
import { toNotification } from "../mappers/notifications";
import { openIntegration } from "../security/integration-secrets";
import { emailRenderInput, type IntegrationTarget, notificationView } from "./attempts";
import { messageText } from "./channels/request";
import type { TicketBook } from "./tickets/call";

/**
 * What each integration leg calls, built lazily and shared by the batch's legs: an integration's secrets are opened
 * once, a notification's webhook body is serialized once.
 */
export function integrationTargets(
  services: Services,
  integrationOf: (leg: DeliveryRow) => IntegrationRow | undefined,
  context: RenderContext | undefined,
  tickets: TicketBook,
) {
  const opened = new Map<string, Promise<IntegrationRow>>();
  const documents = new Map<string, Notification>();
  const bodies = new Map<string, string>();
  return async (leg: DeliveryRow, notification: NotificationRow): Promise<IntegrationTarget> => {
    const document = () => {
      let found = documents.get(notification.id);
      if (found === undefined) {
        found = toNotification(notification);
        documents.set(notification.id, found);
      }
      return found;
    };
    const body = () => {
      let serialized = bodies.get(notification.id);
      if (serialized === undefined) {
        serialized = JSON.stringify(document());
        bodies.set(notification.id, serialized);
      }
      return serialized;
    };
    const message = () => {
      const render = context as RenderContext;
      const view = notificationView(notification, render);
      const subscription = render.subscriptions.get(`${leg.accountId}/${leg.subscriptionId}`);
      const text = messageText(subscription?.options?.message_template, templateView(notification, view));
      return { view, options: text === undefined ? {} : { messageText: text } };
    };
    const email = () => ({
      render: emailRenderInput(leg, notification, context as RenderContext),
      deliveryId: leg.id,
    });
    const row = integrationOf(leg);
    if (!row) return { integration: { missing: "the integration was deleted" }, document, body, message, email };
    const shared = { document, body, message, email, tickets };
    if (row.disabledAt !== null) {
      return {
        integration: {
          missing: `the integration is disabled: ${row.disabledReason}`,
          address: row.targetUrl,
          skipReason: "disabled",
        },
        ...shared,
      };
    }
    let integration = opened.get(row.id);
    if (!integration) {
      integration = openIntegration(services.secrets, row);
      opened.set(row.id, integration);
    }
    return { integration: await integration, ...shared };
  };
}

/** What a subscription's message template reads: the names e-mail templates use. */
function templateView(notification: NotificationRow, view: ReturnType<typeof notificationView>) {
  return {
    account: { id: view.accountId, name: view.accountName },
    notification: {
      id: notification.id,
      type: notification.type,
      type_name: view.typeName,
      created_at: view.createdAt,
    },
    notification_data: view.notificationData,
    asset_data: view.assetData,
    payload: view.payload,
  };
}

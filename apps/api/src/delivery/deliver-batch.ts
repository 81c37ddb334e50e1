import {
  type AttemptRecord,
  claimDeliveries,
  type DeliveryRow,
  type EmailContext,
  type IntegrationRow,
  loadEmailContext,
  type NotificationRow,
  recordAttempts,
} from "@herald/db";
import type { Services } from "../env";
import { loggable } from "../errors";
import { toNotification } from "../mappers/notifications";
import { openIntegration } from "../security/integration-secrets";
import { type AttemptReport, attemptEmail, attemptWebhook, permanent, type WebhookTarget } from "./attempts";
import { decideAttempt, type LegDisposition, unclaimedDisposition } from "./decide";

export type BatchDisposition = LegDisposition | { kind: "crashed" };

/**
 * One attempt at each of a queue batch's legs, as a set: one round trip claims them and reads their notifications
 * and integrations (one more reads what e-mail legs need), each integration's secrets are opened once, the calls run
 * concurrently (at most `services.delivery.concurrency` at a time), and one round trip records every attempt and
 * completes the notifications left with nothing to wait for. Safe for any copies of any legs: only what this call
 * claims is attempted, a finished leg is never attempted again, and every outcome is recorded before the caller acks.
 *
 * Answers what the queue should do with each leg asked for (a leg that does not exist is done). A leg whose attempt
 * threw (a bug, a secret that does not open) is `crashed`: nothing is recorded for it, its lease runs out, and its
 * message should go back to the queue as a crash, so that one that keeps crashing ends in the dead-letter queue.
 */
export async function deliverBatch(
  services: Services,
  legIds: readonly string[],
): Promise<Map<string, BatchDisposition>> {
  const ids = [...new Set(legIds)];
  const dispositions = new Map<string, BatchDisposition>(ids.map((id) => [id, { kind: "done" }]));
  const startedAt = services.now();
  // Held until the batch is recorded: every call may take the whole timeout, `concurrency` of them at a time. A lease
  // that ran out mid-batch would let another consumer call a leg this one is still calling.
  const rounds = Math.ceil(ids.length / services.delivery.concurrency);
  const leaseMs = rounds * services.delivery.webhookTimeoutMs + 30_000;
  const batch = await claimDeliveries(services.db, ids, startedAt, leaseMs);
  for (const leg of batch.unclaimed) dispositions.set(leg.id, unclaimedDisposition(leg, startedAt));
  if (batch.claimed.length === 0) return dispositions;

  const emailLegs = batch.claimed.filter((leg) => leg.channel === "email");
  const emailContext =
    emailLegs.length === 0
      ? undefined
      : await loadEmailContext(
          services.db,
          emailLegs,
          emailLegs.flatMap((leg) => batch.notifications.get(leg.notificationId)?.type ?? []),
        );
  const targets = webhookTargets(services, batch.integrations);
  const reports = await mapConcurrently(batch.claimed, services.delivery.concurrency, async (leg) => {
    try {
      const notification = batch.notifications.get(leg.notificationId);
      if (!notification) return permanent("the notification no longer exists");
      if (leg.channel === "webhook") return await attemptWebhook(services, leg, await targets(leg, notification));
      return await attemptEmail(services, leg, notification, emailContext as EmailContext);
    } catch (error) {
      console.error(
        JSON.stringify({
          level: "error",
          delivery_id: leg.id,
          message: "attempt crashed",
          error: loggable(error).message,
        }),
      );
      dispositions.set(leg.id, { kind: "crashed" });
      return undefined;
    }
  });

  const now = services.now();
  // One jitter for the batch: legs that failed together at the same step retry together, in one message.
  const jitter = Math.random();
  const decisions = batch.claimed.flatMap((leg, index) => {
    const report = reports[index];
    if (!report) return [];
    const attempt = leg.attempts + 1;
    const decision = decideAttempt({
      outcome: report.outcome,
      ...(report.deliveredStatus ? { deliveredStatus: report.deliveredStatus } : {}),
      ...(report.error !== undefined ? { error: report.error } : {}),
      attempt,
      scheduleStart: leg.scheduleStart,
      schedule: services.delivery.retryScheduleSeconds,
      now,
      random: () => jitter,
    });
    const record: AttemptRecord = {
      deliveryId: leg.id,
      accountId: leg.accountId,
      attemptId: services.newId(),
      attempt,
      status: decision.status,
      startedAt,
      durationMs: report.durationMs,
      responseCode: report.responseCode ?? null,
      responseBody: report.responseBody ?? null,
      error: decision.error,
      nextAttemptAt: decision.nextAttemptAt,
      ...(report.address !== undefined ? { address: report.address } : {}),
      ...(report.subject !== undefined ? { subject: report.subject } : {}),
      ...(report.providerMessageId !== undefined ? { providerMessageId: report.providerMessageId } : {}),
    };
    return [{ leg, report, decision, record }];
  });

  const recorded = await recordAttempts(services.db, {
    records: decisions.map((d) => d.record),
    now,
    disable: gone(decisions),
  });
  for (const { leg, decision, record } of decisions) {
    if (recorded.has(leg.id)) {
      dispositions.set(leg.id, decision.disposition);
      continue;
    }
    // This consumer outlived its lease and another recorded this attempt first: what that one recorded stands (and
    // it queued whatever comes next). The target may have had one call more, which at-least-once allows.
    console.warn(
      JSON.stringify({
        level: "warn",
        delivery_id: leg.id,
        attempt: record.attempt,
        message: "attempt recorded by another consumer",
      }),
    );
    dispositions.set(leg.id, { kind: "done" });
  }
  return dispositions;
}

/** The integrations whose target answered 410 in this batch, once each however many legs went to them. */
function gone(decisions: ReadonlyArray<{ leg: DeliveryRow; report: AttemptReport }>) {
  const integrations = new Map<string, { accountId: string; id: string; reason: string }>();
  for (const { leg, report } of decisions) {
    const { outcome } = report;
    if (outcome.kind !== "permanent" || !outcome.disableIntegration) continue;
    const key = `${leg.accountId}/${leg.destination}`;
    if (!integrations.has(key))
      integrations.set(key, { accountId: leg.accountId, id: leg.destination, reason: outcome.reason });
  }
  return [...integrations.values()];
}

/**
 * What each webhook leg calls, built lazily and shared by the batch's legs: an integration's secrets are opened
 * once, a notification's body is serialized once.
 */
function webhookTargets(services: Services, integrations: Map<string, IntegrationRow>) {
  const opened = new Map<string, Promise<IntegrationRow>>();
  const bodies = new Map<string, string>();
  return async (leg: DeliveryRow, notification: NotificationRow): Promise<WebhookTarget> => {
    let body = bodies.get(notification.id);
    if (body === undefined) {
      body = JSON.stringify(toNotification(notification));
      bodies.set(notification.id, body);
    }
    const row = integrations.get(leg.destination);
    // Integration ids are global: one of another account is as good as deleted for this leg.
    if (!row || row.accountId !== leg.accountId)
      return { integration: { missing: "the integration was deleted" }, body };
    if (row.disabledAt !== null) {
      return {
        integration: { missing: `the integration is disabled: ${row.disabledReason}`, address: row.targetUrl },
        body,
      };
    }
    let integration = opened.get(row.id);
    if (!integration) {
      integration = openIntegration(services.secrets, row);
      opened.set(row.id, integration);
    }
    return { integration: await integration, body };
  };
}

/** `fn` over `items`, at most `limit` at a time, answers in the items' order. */
async function mapConcurrently<Item, Result>(
  items: readonly Item[],
  limit: number,
  fn: (item: Item) => Promise<Result>,
): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await fn(items[index] as Item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

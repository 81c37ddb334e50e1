import {
  type AttemptRecord,
  claimDeliveries,
  type DeliveryRow,
  type EmittedEvent,
  type IntegrationRow,
  type IntegrationStreak,
  loadRenderContext,
  type NotificationRow,
  type RenderContext,
  recordAttempts,
} from "@herald/db";
import type { Services } from "../env";
import { loggable } from "../errors";
import type { TelemetryEvent } from "../ports";
import { enqueueFanouts } from "../queues/producers";
import { type AttemptReport, attemptEmail, attemptIntegration, permanent } from "./attempts";
import type { Lane } from "./call-limits";
import { attemptAll, planLimitedCalls } from "./call-plan";
import { decideAttempt, type LegDisposition, unclaimedDisposition } from "./decide";
import { integrationTargets } from "./integration-targets";
import { TicketBook } from "./tickets/call";
import { isTicketing } from "./tickets/render";

/** How long a leg waits for another batch to open its incident's ticket before it is tried again. */
const TICKET_WAIT_SECONDS = 3;

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
  // that ran out mid-batch would let another consumer call a leg this one is still calling; one longer than that
  // keeps a crashed consumer's legs waiting. Limited legs, which may wait for their slot too, get more (planLimitedCalls).
  const rounds = Math.ceil(ids.length / services.delivery.concurrency);
  const leaseMs = rounds * services.delivery.webhookTimeoutMs + 30_000;
  // Names this batch's reservations of the tickets it opens (tickets/call.ts).
  const ticketBatch = services.newId();
  const batch = await claimDeliveries(services.db, ids, startedAt, leaseMs, ticketBatch);
  for (const leg of batch.unclaimed) dispositions.set(leg.id, unclaimedDisposition(leg, startedAt));
  if (batch.claimed.length === 0) return dispositions;

  const integrationOf = (leg: DeliveryRow) => {
    const row = leg.channel === "webhook" ? batch.integrations.get(leg.destination) : undefined;
    // Integration ids are global: one of another account is as good as deleted for this leg.
    return row && row.accountId === leg.accountId ? row : undefined;
  };
  // E-mail and channel messages are rendered: they need names (account, type) and the subscription's options.
  const rendered = batch.claimed.filter(
    (leg) => leg.channel === "email" || (integrationOf(leg)?.type ?? "webhook") !== "webhook",
  );
  const context =
    rendered.length === 0
      ? undefined
      : await loadRenderContext(
          services.db,
          rendered,
          rendered.flatMap((leg) => batch.notifications.get(leg.notificationId)?.type ?? []),
        );
  const plan = await planLimitedCalls(
    services,
    batch.claimed,
    integrationOf,
    (leg) => batch.notifications.get(leg.notificationId),
    startedAt,
    startedAt + leaseMs,
    rounds,
  );
  for (const { deliveryId, at } of plan.putOff) {
    // A parked leg waits for its integration's resume, which queues it; the others come back when they are due (never
    // later: the claim takes only due legs, and one that came back early would be handed back again).
    dispositions.set(
      deliveryId,
      at === null ? { kind: "done" } : { kind: "retry", delaySeconds: Math.max(1, Math.ceil((at - startedAt) / 1000)) },
    );
  }
  const deferred = new Set(plan.putOff.map((leg) => leg.deliveryId));
  // Ticket links and reservations of the legs' incidents came with the claim; tickets opened now are linked when the
  // batch is recorded. A leg whose incident's ticket another batch is opening comes back once it has.
  const tickets = new TicketBook(batch.ticketLinks, ticketBatch);
  const waiting = batch.claimed.filter((leg) => {
    if (deferred.has(leg.id)) return false;
    const integration = integrationOf(leg);
    const payload = batch.notifications.get(leg.notificationId)?.payload;
    return !!integration && !!payload && isTicketing(integration) && tickets.waits(integration.id, payload);
  });
  for (const leg of waiting) dispositions.set(leg.id, { kind: "retry", delaySeconds: TICKET_WAIT_SECONDS });
  const waits = new Set(waiting.map((leg) => leg.id));
  const attempted = batch.claimed.filter((leg) => !deferred.has(leg.id) && !waits.has(leg.id));

  const targets = integrationTargets(services, integrationOf, context, tickets);
  const channelOf = (leg: DeliveryRow) => (leg.channel === "email" ? "email" : (integrationOf(leg)?.type ?? "webhook"));
  // Each attempt is a span of the send's trace (the notification keeps its traceparent), so a producer's trace shows
  // every call its notification led to; webhooks carry the attempt's traceparent on to the target.
  const attempt = (leg: DeliveryRow): Promise<AttemptReport | undefined> => {
    const notification = batch.notifications.get(leg.notificationId);
    return services.telemetry.span(
      "herald.attempt",
      {
        parent: notification?.traceparent,
        attributes: {
          "herald.delivery_id": leg.id,
          "herald.channel": channelOf(leg),
          "herald.attempt": leg.attempts + 1,
        },
      },
      async (span) => {
        const report = await attemptIn(span.traceparent, leg);
        if (report?.responseCode !== undefined)
          span.setAttributes({ "http.response.status_code": report.responseCode });
        if (report && report.outcome.kind !== "delivered") span.fail(report.outcome.reason);
        return report;
      },
    );
  };
  const attemptIn = async (traceparent: string, leg: DeliveryRow): Promise<AttemptReport | undefined> => {
    try {
      const notification = batch.notifications.get(leg.notificationId);
      if (!notification) return permanent("the notification no longer exists");
      // An `email` integration's leg is an integration leg like any other (channel webhook, destination the
      // integration), and goes out by e-mail from callIntegration. Routing it there rather than making it an e-mail leg
      // at fan-out keeps fan-out blind to integration types (it reads subscribers only, no join), reuses what the claim
      // already read (the integration, its account check, deleted and disabled handling) and stays right if the
      // integration is deleted meanwhile; the render context below is loaded for it as for every non-webhook type.
      if (leg.channel === "webhook")
        return await attemptIntegration(services, leg, { ...(await targets(leg, notification)), traceparent });
      return await attemptEmail(services, leg, notification, context as RenderContext);
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
      services.telemetry.record([{ kind: "attempt", channel: channelOf(leg), outcome: "crashed", durationMs: 0 }]);
      return undefined;
    }
  };
  // A leg that missed its call slot goes back to the queue at once, with no attempt counted, to take a new slot.
  const missedSlots: DeliveryRow[] = [];
  const reports = await attemptAll(attempted, plan, services.delivery.concurrency, attempt, (leg) => {
    missedSlots.push(leg);
    dispositions.set(leg.id, { kind: "retry", delaySeconds: 1 });
  });

  const now = services.now();
  // One jitter for the batch: legs that failed together at the same step retry together, in one message.
  const jitter = Math.random();
  const decisions = attempted.flatMap((leg, index) => {
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
      ...(decision.scheduleStart !== leg.scheduleStart ? { scheduleStart: decision.scheduleStart } : {}),
      ...(report.address !== undefined ? { address: report.address } : {}),
      ...(report.subject !== undefined ? { subject: report.subject } : {}),
      ...(report.providerMessageId !== undefined ? { providerMessageId: report.providerMessageId } : {}),
      ...(report.skipReason !== undefined ? { skipReason: report.skipReason } : {}),
      ...(report.requestHeaders !== undefined ? { requestHeaders: report.requestHeaders } : {}),
    };
    return [{ leg, report, decision, record }];
  });

  const { recorded, events } = await recordAttempts(services.db, {
    records: decisions.map((d) => d.record),
    now,
    disable: gone(decisions),
    streaks: streaks(decisions, integrationOf, (leg) => batch.notifications.get(leg.notificationId)?.type),
    pacedUntil: [...throttled(decisions, now, plan.lanes), ...usedSlots(plan.lanes)],
    putOff: [
      ...plan.putOff,
      ...waiting.map((leg) => ({
        deliveryId: leg.id,
        at: now + TICKET_WAIT_SECONDS * 1000,
        lease: startedAt + leaseMs,
      })),
      ...missedSlots.map((leg) => ({ deliveryId: leg.id, at: now, lease: plan.limitedLeaseUntil })),
    ],
    ...(plan.permitHolder ? { permitHolder: plan.permitHolder } : {}),
    tickets: tickets.writes,
    // Drops this batch's reservations that opened nothing (a leg that failed, a disabled integration).
    ...(batch.ticketLinks.size > 0 ? { ticketBatch } : {}),
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
  services.telemetry.record(
    decisions.flatMap(({ leg, report, decision }) => [
      { kind: "attempt", channel: channelOf(leg), outcome: report.outcome.kind, durationMs: report.durationMs },
      ...(recorded.has(leg.id)
        ? settledEvent(channelOf(leg), decision.status, batch.notifications.get(leg.notificationId), now)
        : []),
    ]),
  );
  await queueEvents(services, events);
  return dispositions;
}

/** A leg that reached a final status, with how long it took from the send when it was delivered. */
function settledEvent(
  channel: string,
  status: AttemptRecord["status"],
  notification: NotificationRow | undefined,
  now: number,
): TelemetryEvent[] {
  if (status === "FAILED") return [{ kind: "settled", channel, status }];
  if (status !== "SENT" && status !== "DELIVRD") return [];
  return [{ kind: "settled", channel, status, ...(notification ? { latencyMs: now - notification.createdAt } : {}) }];
}

/**
 * Queues the fan-out of the operational events a recording emitted. They are stored already: a send that fails is
 * logged and left to the sweeper, which queues any notification still `created`.
 */
export async function queueEvents(services: Services, events: readonly EmittedEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await enqueueFanouts(services.queues.fanout, events);
  } catch (error) {
    console.error(
      JSON.stringify({ level: "error", message: "operational events not queued", error: loggable(error).message }),
    );
  }
}

/**
 * Each enabled integration's attempts in this batch, for its failure streak: those with a failed attempt, and those
 * with a delivered one and a streak to reset. Legs of `herald/*` notifications do not count (no loops; the recording
 * checks again).
 */
function streaks(
  decisions: ReadonlyArray<{ leg: DeliveryRow; record: AttemptRecord }>,
  integrationOf: (leg: DeliveryRow) => IntegrationRow | undefined,
  typeOf: (leg: DeliveryRow) => string | undefined,
): IntegrationStreak[] {
  const byId = new Map<string, IntegrationStreak & { failedAttemptIds: string[]; deliveredAttemptIds: string[] }>();
  const counts = new Map<string, number>();
  for (const { leg, record } of decisions) {
    const integration = integrationOf(leg);
    if (!integration || integration.disabledAt !== null || typeOf(leg)?.startsWith("herald/") !== false) continue;
    counts.set(integration.id, integration.consecutiveFailures);
    let streak = byId.get(integration.id);
    if (!streak) {
      streak = { accountId: leg.accountId, id: integration.id, failedAttemptIds: [], deliveredAttemptIds: [] };
      byId.set(integration.id, streak);
    }
    const failed = record.status === "FAILED" || (record.status === "PENDING" && record.scheduleStart === undefined);
    if (failed) streak.failedAttemptIds.push(record.attemptId);
    else if (record.status !== "PENDING") streak.deliveredAttemptIds.push(record.attemptId);
  }
  return [...byId.values()].filter(
    (streak) =>
      streak.failedAttemptIds.length > 0 || (streak.deliveredAttemptIds.length > 0 && (counts.get(streak.id) ?? 0) > 0),
  );
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
 * Where each paced lane's calls left its integration's bucket: a lane that called late used its tokens later than its
 * slots said, and the next batch's slots start from there.
 */
function usedSlots(lanes: ReadonlyMap<string, Lane>) {
  return [...lanes]
    .filter(([, lane]) => lane.intervalMs > 0 && Number.isFinite(lane.tat))
    .map(([id, lane]) => ({ id, until: Math.ceil(lane.tat) }));
}

/** The integrations that answered "too many calls" in this batch: nobody calls them before they said. */
function throttled(
  decisions: ReadonlyArray<{ leg: DeliveryRow; report: AttemptReport }>,
  now: number,
  lanes: ReadonlyMap<string, Lane>,
) {
  const until = new Map<string, number>();
  for (const { leg, report } of decisions) {
    const { outcome } = report;
    if (outcome.kind !== "retry" || !outcome.rateLimited) continue;
    // The bucket lets a burst go up to its tolerance before its arrival time: moved past that, no call is early.
    const at =
      now + Math.max(1, outcome.retryAfterSeconds ?? 1) * 1000 + (lanes.get(leg.destination)?.toleranceMs ?? 0);
    until.set(leg.destination, Math.max(at, until.get(leg.destination) ?? 0));
  }
  return [...until].map(([id, at]) => ({ id, until: at }));
}

import type { DecisionDestination, FanoutDecision, FilterMismatch, NotificationDecisions } from "@herald/contracts";
import {
  type FanoutDecisionRecord,
  type FanoutDestinationRecord,
  type FilterMissRecord,
  findFanoutDecisions,
  findNotification,
  listNotificationDeliveries,
} from "@herald/db";
import { inScope, integrationScope } from "../auth/scope";
import { ApiError } from "../errors";
import type { ServiceContext } from "./context";
import { toDelivery } from "./deliveries";

const seconds = (ms: number) => Math.floor(ms / 1000);

function toMismatch(miss: FilterMissRecord): FilterMismatch {
  return {
    clause: miss.p,
    operator: miss.o as FilterMismatch["operator"],
    ...(miss.ls !== undefined ? { left_source: miss.ls } : {}),
    ...(miss.rs !== undefined ? { right_source: miss.rs } : {}),
    ...(miss.l !== undefined ? { left: miss.l } : {}),
    ...(miss.r !== undefined ? { right: miss.r } : {}),
    ...(miss.neg ? { negated: true } : {}),
  };
}

/**
 * What fan-out decided for every subscription of the account to the notification's type, as it was recorded, joined
 * with the legs it wrote as they stand now (their status and attempts say what delivery did since).
 */
export async function getNotificationDecisions(
  ctx: ServiceContext,
  accountId: string,
  notificationId: string,
): Promise<NotificationDecisions> {
  const { db } = ctx.services;
  const notification = await findNotification(db, accountId, notificationId.toUpperCase());
  if (!notification) throw ApiError.notFound(`notification '${notificationId}'`);
  const [found, legs] = await Promise.all([
    findFanoutDecisions(db, accountId, notification.id),
    listNotificationDeliveries(db, accountId, notification.id),
  ]);
  // A portal session limited to some integrations sees the notification only through a leg to one of them, and only
  // the decisions that reached them: the account's subscriptions are not its to see.
  const scope = integrationScope(ctx.auth);
  if (scope !== undefined && !legs.some((leg) => inScope(ctx.auth, leg.destination)))
    throw ApiError.notFound(`notification '${notificationId}'`);
  if (!found) return { notification_id: notification.id, decisions: [] };
  const legOf = new Map(legs.map((leg) => [`${leg.channel}:${leg.destination}`, leg]));
  const names = new Map(found.subscriptions.map((row) => [row.id, row.name]));

  const toDestination = (record: FanoutDestinationRecord): DecisionDestination => {
    const leg = legOf.get(`${record.c}:${record.id}`);
    return {
      subscriber_type: record.c === "email" ? "user" : "connection",
      subscriber: record.id,
      outcome: record.dup !== undefined ? "deduplicated" : "leg",
      ...(record.dup !== undefined ? { deduplicated_by: record.dup } : {}),
      ...(record.off !== undefined ? { integration_disabled_at: seconds(record.off) } : {}),
      ...(record.why !== undefined ? { integration_disabled_reason: record.why } : {}),
      ...(record.pause !== undefined ? { integration_paused_at: seconds(record.pause) } : {}),
      ...(record.noEmail ? { user_without_email: true } : {}),
      ...(record.gone ? { subscriber_missing: true } : {}),
      ...(leg ? { delivery: toDelivery(leg, leg.attemptList) } : {}),
    };
  };
  const toDecision = (record: FanoutDecisionRecord): FanoutDecision => {
    const name = names.get(record.s);
    const base = { subscription_id: record.s, ...(name !== undefined ? { subscription_name: name } : {}) };
    switch (record.d) {
      case "filtered":
        return { ...base, decision: "filtered", filter_mismatches: record.f.map(toMismatch) };
      case "suppressed":
        return { ...base, decision: "suppressed", suppressed_by: record.by, suppressed_until: seconds(record.until) };
      case "inactive":
        return { ...base, decision: "inactive" };
      default: {
        // The record keeps only destinations with something to say; the subscription's other legs are plain ones.
        const noted = new Set(record.to.map((d) => `${d.c}:${d.id}`));
        const plain = legs
          .filter((leg) => leg.subscriptionId === record.s && !noted.has(`${leg.channel}:${leg.destination}`))
          .map((leg) => ({ c: leg.channel, id: leg.destination }));
        return { ...base, decision: record.d, destinations: [...plain, ...record.to].map(toDestination) };
      }
    }
  };
  const decisions = found.row.decisions.map(toDecision);
  return {
    notification_id: notification.id,
    decided_at: seconds(found.row.decidedAt),
    decisions:
      scope === undefined
        ? decisions
        : decisions.flatMap((decision) => {
            if (!("destinations" in decision)) return [];
            const destinations = (decision.destinations ?? []).filter(
              (d) => d.subscriber_type === "connection" && inScope(ctx.auth, d.subscriber),
            );
            return destinations.length === 0 ? [] : [{ ...decision, destinations }];
          }),
  };
}

import type {
  AddSubscriberRequest,
  BatchUpdateSubscribersRequest,
  FailedSubscriber,
  Subscriber,
  SubscriberList,
  SubscriberRequest,
} from "@herald/contracts";
import {
  applySubscriberChanges,
  deleteSubscriber,
  existingIntegrationIds,
  findSubscription,
  insertSubscriber,
  listSubscribers,
  type SubscriberRow,
  type SubscriberType,
} from "@herald/db";
import { ApiError } from "../errors";
import { stamp } from "../mappers/stamp";
import { audited } from "./audit";
import type { ServiceContext } from "./context";

export function toSubscriber(row: SubscriberRow): Subscriber {
  return {
    id: row.id,
    subscriber: row.subscriber,
    subscriber_type: row.subscriberType,
    subscription_id: row.subscriptionId,
    created: stamp(row.createdAt, row.createdBy),
  };
}

/** Connection ids are integration ids, which Herald issues in uppercase: they match in any case. User ids are AIMS's
 * and are kept exactly as given. */
function normalise(request: SubscriberRequest): { subscriber: string; subscriberType: SubscriberType } {
  const subscriberType = request.subscriber_type as SubscriberType;
  const subscriber = subscriberType === "connection" ? request.subscriber.toUpperCase() : request.subscriber;
  return { subscriber, subscriberType };
}

export interface SubscriberCheck {
  accepted: SubscriberRow[];
  failed: FailedSubscriber[];
}

/**
 * Splits requested subscribers into rows to write and rejections: a `connection` must name an integration of the
 * same account. Repeats in one request collapse into one row.
 */
export async function checkSubscribers(
  ctx: ServiceContext,
  accountId: string,
  subscriptionId: string,
  requested: SubscriberRequest[],
): Promise<SubscriberCheck> {
  const wanted = requested.map((request) => ({ request, key: normalise(request) }));
  const connectionIds = wanted.filter((w) => w.key.subscriberType === "connection").map((w) => w.key.subscriber);
  const integrations = await existingIntegrationIds(ctx.services.db, accountId, connectionIds);
  const now = ctx.services.now();
  const seen = new Set<string>();
  const result: SubscriberCheck = { accepted: [], failed: [] };
  for (const { request, key } of wanted) {
    if (key.subscriberType === "connection" && !integrations.has(key.subscriber)) {
      result.failed.push({
        subscriber: request.subscriber,
        subscriber_type: request.subscriber_type,
        error: "not_found",
        details: "no integration with this id in the account",
      });
      continue;
    }
    const identity = `${key.subscriberType}:${key.subscriber}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    result.accepted.push({
      id: ctx.services.newId(),
      accountId,
      subscriptionId,
      subscriber: key.subscriber,
      subscriberType: key.subscriberType,
      createdAt: now,
      createdBy: ctx.auth.userId,
    });
  }
  return result;
}

async function requireSubscription(ctx: ServiceContext, accountId: string, subscriptionId: string) {
  const subscription = await findSubscription(ctx.services.db, accountId, subscriptionId.toUpperCase());
  if (!subscription) throw ApiError.notFound(`subscription '${subscriptionId}'`);
  return subscription;
}

export async function listSubscriptionSubscribers(
  ctx: ServiceContext,
  accountId: string,
  subscriptionId: string,
): Promise<SubscriberList> {
  const subscription = await requireSubscription(ctx, accountId, subscriptionId);
  const rows = await listSubscribers(ctx.services.db, accountId, [subscription.id]);
  return { subscribers: rows.map(toSubscriber) };
}

export async function addSubscriber(
  ctx: ServiceContext,
  accountId: string,
  subscriptionId: string,
  body: AddSubscriberRequest,
): Promise<Subscriber> {
  return audited(ctx, accountId, async (trail) => {
    const subscription = await requireSubscription(ctx, accountId, subscriptionId);
    const { accepted, failed } = await checkSubscribers(ctx, accountId, subscription.id, [body]);
    const [row] = accepted;
    if (!row)
      throw new ApiError({ status: 400, code: "invalid_value", path: "subscriber", details: failed[0]?.details });
    const added = toSubscriber(row);
    const audit = await trail.record({
      action: "subscription.subscriber_added",
      targetType: "subscription",
      targetId: subscription.id,
      after: added,
    });
    if (!(await insertSubscriber(ctx.services.db, row, audit))) {
      throw ApiError.conflict("the subscriber is already subscribed to this subscription");
    }
    return added;
  });
}

export async function removeSubscriber(
  ctx: ServiceContext,
  accountId: string,
  subscriptionId: string,
  subscriber: SubscriberRequest,
): Promise<void> {
  await audited(ctx, accountId, async (trail) => {
    const subscription = await requireSubscription(ctx, accountId, subscriptionId);
    const key = normalise(subscriber);
    const audit = await trail.record({
      action: "subscription.subscriber_removed",
      targetType: "subscription",
      targetId: subscription.id,
      before: { subscriber: key.subscriber, subscriber_type: key.subscriberType },
    });
    const removed = await deleteSubscriber(ctx.services.db, accountId, subscription.id, key, audit);
    if (!removed) throw ApiError.notFound(`subscriber '${subscriber.subscriber_type}/${subscriber.subscriber}'`);
  });
}

/**
 * Applies every add and delete at once, or none: when any subscriber is rejected the answer lists them all in
 * `subscribers_failed` and the subscription is left as it was. Adding one already there or deleting one not there is
 * a no-op, so a client may safely repeat the call.
 */
export async function batchUpdateSubscribers(
  ctx: ServiceContext,
  accountId: string,
  subscriptionId: string,
  body: BatchUpdateSubscribersRequest,
): Promise<void> {
  await audited(ctx, accountId, async (trail) => {
    const subscription = await requireSubscription(ctx, accountId, subscriptionId);
    const actions = new Map<string, string>();
    body.subscribers.forEach((item, index) => {
      const { subscriber, subscriberType } = normalise(item);
      const identity = `${subscriberType}:${subscriber}`;
      const earlier = actions.get(identity);
      if (earlier !== undefined && earlier !== item.action) {
        throw ApiError.invalid(`subscribers.${index}`, "a subscriber cannot be added and deleted in the same batch");
      }
      actions.set(identity, item.action);
    });
    const additions = body.subscribers.filter((s) => s.action === "add");
    const removals = body.subscribers.filter((s) => s.action === "delete").map(normalise);
    const { accepted, failed } = await checkSubscribers(ctx, accountId, subscription.id, additions);
    if (failed.length > 0) throw ApiError.subscribersFailed(400, failed);
    const current = await listSubscribers(ctx.services.db, accountId, [subscription.id]);
    const removed = new Set(removals.map(identityOf));
    const before = current.map(identityOf);
    const kept = before.filter((key) => !removed.has(key));
    const after = [...kept, ...accepted.map(identityOf).filter((key) => !kept.includes(key))];
    const audit = await trail.record({
      action: "subscription.subscribers_updated",
      targetType: "subscription",
      targetId: subscription.id,
      before: { subscribers: subscriberList(before) },
      after: { subscribers: subscriberList(after) },
    });
    await applySubscriberChanges(
      ctx.services.db,
      accountId,
      subscription.id,
      { add: accepted, remove: removals },
      audit,
    );
  });
}

const identityOf = (key: { subscriber: string; subscriberType: string }) => `${key.subscriberType}:${key.subscriber}`;

/** A subscription's subscribers as an audit entry lists them, in one order whatever the order of the changes. */
function subscriberList(identities: string[]) {
  return [...identities].sort().map((identity) => {
    const separator = identity.indexOf(":");
    return { subscriber_type: identity.slice(0, separator), subscriber: identity.slice(separator + 1) };
  });
}

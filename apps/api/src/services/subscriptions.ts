import type {
  BatchDeleteSubscriptionsRequest,
  CreateSubscriptionRequest,
  Subscription,
  SubscriptionList,
  SubscriptionsQuery,
  UpdateSubscriptionRequest,
} from "@herald/contracts";
import {
  deleteSubscriptions,
  findSubscription,
  findSubscriptions,
  insertSubscription,
  listSubscriptions as listRows,
  listSubscribers,
  type SubscriberRow,
  type SubscriptionRow,
  updateSubscription as updateRow,
} from "@herald/db";
import Mustache from "mustache";
import { checkFilter } from "../delivery/filters";
import { ApiError } from "../errors";
import { stamp } from "../mappers/stamp";
import { applied, audited } from "./audit";
import type { ServiceContext } from "./context";
import { requireNotificationType } from "./notification-types";
import { checkSubscribers, toSubscriber } from "./subscribers";

export function toSubscription(row: SubscriptionRow, subscribers?: SubscriberRow[]): Subscription {
  return {
    id: row.id,
    account_id: row.accountId,
    name: row.name,
    class: row.class,
    notification_type: row.notificationType,
    active: row.active,
    ...(row.externalId !== null ? { external_id: row.externalId } : {}),
    ...(row.options !== null ? { options: row.options } : {}),
    ...(row.filters !== null ? { filters: row.filters } : {}),
    ...(row.template !== null ? { template: row.template as Subscription["template"] } : {}),
    ...(row.suppressionInterval !== null ? { suppression_interval: row.suppressionInterval } : {}),
    created: stamp(row.createdAt, row.createdBy),
    modified: stamp(row.modifiedAt, row.modifiedBy),
    ...(subscribers ? { subscribers: subscribers.map(toSubscriber), subscriber_count: subscribers.length } : {}),
  };
}

async function withSubscribers(
  ctx: ServiceContext,
  accountId: string,
  rows: SubscriptionRow[],
): Promise<Subscription[]> {
  const all = await listSubscribers(
    ctx.services.db,
    accountId,
    rows.map((row) => row.id),
  );
  const bySubscription = new Map<string, SubscriberRow[]>();
  for (const subscriber of all) {
    const list = bySubscription.get(subscriber.subscriptionId) ?? [];
    list.push(subscriber);
    bySubscription.set(subscriber.subscriptionId, list);
  }
  return rows.map((row) => toSubscription(row, bySubscription.get(row.id) ?? []));
}

export async function listSubscriptions(
  ctx: ServiceContext,
  accountId: string,
  query: SubscriptionsQuery,
): Promise<SubscriptionList> {
  // The definition: "When external_id is present, class=schedule is assumed".
  const subscriptionClass = query.class ?? (query.external_id !== undefined ? "schedule" : undefined);
  const rows = await listRows(ctx.services.db, accountId, {
    class: subscriptionClass,
    externalId: query.external_id,
    notificationType: query.notification_type,
  });
  const subscriptions = query.include_subscribers
    ? await withSubscribers(ctx, accountId, rows)
    : rows.map((row) => toSubscription(row));
  return { subscriptions };
}

async function requireSubscription(ctx: ServiceContext, accountId: string, id: string): Promise<SubscriptionRow> {
  const row = await findSubscription(ctx.services.db, accountId, id.toUpperCase());
  if (!row) throw ApiError.notFound(`subscription '${id}'`);
  return row;
}

export async function getSubscription(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  includeSubscribers: boolean,
): Promise<Subscription> {
  const row = await requireSubscription(ctx, accountId, id);
  if (!includeSubscribers) return toSubscription(row);
  const [subscription] = await withSubscribers(ctx, accountId, [row]);
  return subscription as Subscription;
}

/** Filters are checked when they are saved, so a broken expression is a 400 now rather than silence at fan-out. */
function requireValidFilters(filters: Record<string, unknown> | undefined) {
  if (filters === undefined) return;
  const verdict = checkFilter(filters);
  if (!verdict.ok) throw ApiError.invalid(verdict.path ? `filters.${verdict.path}` : "filters", verdict.reason);
}

/**
 * A message template for chat and paging integrations is Mustache: checked when saved, so a broken one is a 400 now
 * rather than a failed delivery later.
 */
function requireValidMessageTemplate(options: Record<string, unknown> | null | undefined) {
  const template = options?.message_template;
  if (template === undefined) return;
  try {
    Mustache.parse(template as string);
  } catch (error) {
    throw ApiError.invalid("options.message_template", `is not a valid Mustache template: ${(error as Error).message}`);
  }
}

/** The notification type must exist, and a chosen template must be one of that type's templates. */
async function checkTypeAndTemplate(
  ctx: ServiceContext,
  notificationType: string,
  template: string | null | undefined,
) {
  const type = await requireNotificationType(ctx, notificationType, "notification_type");
  if (template && !type.templates.includes(template)) {
    throw ApiError.invalid("template", `'${notificationType}' offers the templates ${type.templates.join(", ")}`);
  }
}

export async function createSubscription(
  ctx: ServiceContext,
  accountId: string,
  body: CreateSubscriptionRequest,
): Promise<Subscription> {
  await checkTypeAndTemplate(ctx, body.notification_type, body.template);
  requireValidFilters(body.filters);
  requireValidMessageTemplate(body.options);
  if (body.class === "schedule" && !body.external_id) {
    throw new ApiError({ status: 400, code: "missing_required_property", details: "external_id" });
  }
  const now = ctx.services.now();
  const id = ctx.services.newId();
  const row: SubscriptionRow = {
    id,
    accountId,
    name: body.name,
    class: body.class,
    notificationType: body.notification_type,
    externalId: body.external_id ?? null,
    active: body.active ?? true,
    options: body.options ?? null,
    filters: body.filters ?? null,
    template: body.template ?? null,
    suppressionInterval: body.suppression_interval ?? null,
    createdAt: now,
    createdBy: ctx.auth.userId,
    modifiedAt: now,
    modifiedBy: ctx.auth.userId,
  };
  return audited(ctx, accountId, async (trail) => {
    const { accepted, failed } = await checkSubscribers(ctx, accountId, id, body.subscribers ?? []);
    const created = toSubscription(row, accepted);
    const audit = await trail.record({
      action: "subscription.created",
      targetType: "subscription",
      targetId: id,
      after: created,
    });
    await insertSubscription(ctx.services.db, row, accepted, audit);
    return { ...created, ...(failed.length > 0 ? { subscribers_failed: failed } : {}) };
  });
}

export async function updateSubscription(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  body: UpdateSubscriptionRequest,
): Promise<Subscription> {
  return audited(ctx, accountId, async (trail) => {
    const current = await requireSubscription(ctx, accountId, id);
    requireValidFilters(body.filters);
    requireValidMessageTemplate(body.options);
    if (body.notification_type !== undefined || body.template !== undefined) {
      await checkTypeAndTemplate(
        ctx,
        body.notification_type ?? current.notificationType,
        body.template ?? current.template,
      );
    }
    if (Object.keys(body).length === 0) return toSubscription(current);
    const changes = {
      name: body.name,
      notificationType: body.notification_type,
      externalId: body.external_id,
      active: body.active,
      options: body.options,
      filters: body.filters,
      template: body.template,
      suppressionInterval: body.suppression_interval,
      modifiedAt: ctx.services.now(),
      modifiedBy: ctx.auth.userId,
    };
    const audit = await trail.record({
      action: "subscription.updated",
      targetType: "subscription",
      targetId: current.id,
      before: toSubscription(current),
      after: toSubscription(applied(current, changes)),
    });
    const row = await updateRow(ctx.services.db, accountId, current.id, changes, audit);
    if (!row) throw ApiError.notFound(`subscription '${id}'`);
    return toSubscription(row);
  });
}

/** Deletes the account's subscriptions among `ids` that exist, each with its audit entry; answers the ids deleted. */
async function deleteAudited(ctx: ServiceContext, accountId: string, ids: string[]): Promise<Set<string>> {
  return audited(ctx, accountId, async (trail) => {
    const found = await findSubscriptions(ctx.services.db, accountId, ids);
    const audit = await trail.record(
      ...found.map((row) => ({
        action: "subscription.deleted" as const,
        targetType: "subscription" as const,
        targetId: row.id,
        before: toSubscription(row),
      })),
    );
    return new Set(await deleteSubscriptions(ctx.services.db, accountId, ids, audit));
  });
}

export async function deleteSubscription(ctx: ServiceContext, accountId: string, id: string): Promise<void> {
  const deleted = await deleteAudited(ctx, accountId, [id.toUpperCase()]);
  if (deleted.size === 0) throw ApiError.notFound(`subscription '${id}'`);
}

/** Deletes what it can; ids it could not delete come back in `unprocessed_items` with a 400 `delete_failed`. */
export async function batchDeleteSubscriptions(
  ctx: ServiceContext,
  accountId: string,
  body: BatchDeleteSubscriptionsRequest,
): Promise<void> {
  const ids = [...new Set(body.ids.map((id) => id.toUpperCase()))];
  const deleted = await deleteAudited(ctx, accountId, ids);
  const unprocessed = ids.filter((id) => !deleted.has(id));
  if (unprocessed.length > 0) {
    throw new ApiError({
      status: 400,
      code: "delete_failed",
      extra: { unprocessed_items: unprocessed.map((id) => ({ id, error: "not_found" })) },
    });
  }
}

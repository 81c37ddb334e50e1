import type {
  CreateNotificationTypeRequest,
  NotificationType,
  NotificationTypeList,
  UpdateNotificationTypeRequest,
} from "@herald/contracts";
import {
  countSubscriptionsOfType,
  deleteNotificationType as deleteRow,
  findNotificationType,
  insertNotificationType,
  listNotificationTypes as listRows,
  type NotificationTypeRow,
  updateNotificationType as updateRow,
} from "@herald/db";
import { ApiError } from "../errors";
import { applied, audited } from "./audit";
import type { ServiceContext } from "./context";

export function toNotificationType(row: NotificationTypeRow): NotificationType {
  return {
    notification_type: row.notificationType,
    name: row.name,
    default_template: row.defaultTemplate,
    templates: row.templates,
    default_email_subject: row.defaultEmailSubject,
  };
}

export async function listNotificationTypes(ctx: ServiceContext): Promise<NotificationTypeList> {
  const rows = await listRows(ctx.services.db);
  return { notification_types: rows.map(toNotificationType) };
}

/** The type a notification or subscription names; a 400 naming `field` when it does not exist. */
export async function requireNotificationType(
  ctx: ServiceContext,
  key: string,
  field: string,
): Promise<NotificationTypeRow> {
  const row = await ctx.services.hotReads.notificationType(key);
  if (!row) {
    throw new ApiError({
      status: 400,
      code: "unknown_notification_type",
      path: field,
      details: `no notification type '${key}'; see GET /herald/v2/notification_types`,
    });
  }
  return row;
}

// The default template is always one of the type's templates, so a subscription may always pick it.
function withDefault(templates: string[], defaultTemplate: string): string[] {
  return templates.includes(defaultTemplate) ? templates : [defaultTemplate, ...templates];
}

export async function createNotificationType(
  ctx: ServiceContext,
  body: CreateNotificationTypeRequest,
): Promise<NotificationType> {
  const now = ctx.services.now();
  const row: NotificationTypeRow = {
    notificationType: body.notification_type,
    name: body.name,
    defaultTemplate: body.default_template,
    templates: withDefault(body.templates ?? [], body.default_template),
    defaultEmailSubject: body.default_email_subject,
    createdAt: now,
    modifiedAt: now,
  };
  const created = toNotificationType(row);
  // Types are global: their changes are recorded in the account of the platform administrator who made them.
  const inserted = await audited(ctx, ctx.auth.accountId, async (trail) => {
    const audit = await trail.record({
      action: "notification_type.created",
      targetType: "notification_type",
      targetId: row.notificationType,
      after: created,
    });
    return insertNotificationType(ctx.services.db, row, audit);
  });
  if (!inserted) throw ApiError.conflict(`notification type '${body.notification_type}' already exists`);
  return created;
}

export async function updateNotificationType(
  ctx: ServiceContext,
  key: string,
  body: UpdateNotificationTypeRequest,
): Promise<NotificationType> {
  const row = await audited(ctx, ctx.auth.accountId, async (trail) => {
    const current = await findNotificationType(ctx.services.db, key);
    if (!current) throw ApiError.notFound(`notification type '${key}'`);
    const defaultTemplate = body.default_template ?? current.defaultTemplate;
    const changes = {
      name: body.name,
      defaultTemplate,
      templates: withDefault(body.templates ?? current.templates, defaultTemplate),
      defaultEmailSubject: body.default_email_subject,
      modifiedAt: ctx.services.now(),
    };
    const audit = await trail.record({
      action: "notification_type.updated",
      targetType: "notification_type",
      targetId: key,
      before: toNotificationType(current),
      after: toNotificationType(applied(current, changes)),
    });
    return updateRow(ctx.services.db, key, changes, audit);
  });
  if (!row) throw ApiError.notFound(`notification type '${key}'`);
  ctx.services.hotReads.forgetNotificationType(key);
  return toNotificationType(row);
}

export async function deleteNotificationType(ctx: ServiceContext, key: string): Promise<void> {
  const inUse = await countSubscriptionsOfType(ctx.services.db, key);
  if (inUse > 0) throw ApiError.conflict(`notification type '${key}' is used by ${inUse} subscription(s)`);
  const deleted = await audited(ctx, ctx.auth.accountId, async (trail) => {
    const current = await findNotificationType(ctx.services.db, key);
    if (!current) return false;
    const audit = await trail.record({
      action: "notification_type.deleted",
      targetType: "notification_type",
      targetId: key,
      before: toNotificationType(current),
    });
    return deleteRow(ctx.services.db, key, audit);
  });
  if (!deleted) throw ApiError.notFound(`notification type '${key}'`);
  ctx.services.hotReads.forgetNotificationType(key);
}

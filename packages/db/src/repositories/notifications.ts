import { and, asc, count, desc, eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  type DeliveryStatus,
  deliveries,
  type NotificationRow,
  type NotificationStatus,
  notifications,
} from "../schema";
import { preparedPerDb } from "./prepared";

export async function insertNotification(db: Db, row: NotificationRow): Promise<void> {
  await db.insert(notifications).values(row);
}

const notificationById = preparedPerDb((db) =>
  db
    .select()
    .from(notifications)
    .where(eq(notifications.id, sql.placeholder("id")))
    .limit(1)
    .prepare(),
);

const accountNotificationById = preparedPerDb((db) =>
  db
    .select()
    .from(notifications)
    .where(and(eq(notifications.accountId, sql.placeholder("accountId")), eq(notifications.id, sql.placeholder("id"))))
    .limit(1)
    .prepare(),
);

/** Any account's notification: for callers that check ownership themselves. */
export async function findNotificationById(db: Db, id: string): Promise<NotificationRow | undefined> {
  return notificationById(db).get({ id });
}

export async function findNotification(db: Db, accountId: string, id: string): Promise<NotificationRow | undefined> {
  return accountNotificationById(db).get({ accountId, id });
}

/** Where the previous page ended: the last row's creation time and id (ids break ties within one millisecond). */
export interface NotificationCursor {
  createdAt: number;
  id: string;
}

export interface NotificationPageQuery {
  accountId: string;
  type: string;
  order: "asc" | "desc";
  /** Epoch ms, inclusive. */
  since?: number | undefined;
  /** Epoch ms, exclusive. */
  until?: number | undefined;
  after?: NotificationCursor | undefined;
  limit: number;
  /** Only notifications with a leg to one of these destinations (a portal session's integrations). */
  destinations?: readonly string[] | undefined;
  /** Only notifications with a leg in this status (to one of `destinations`, when given). */
  legStatus?: DeliveryStatus | undefined;
}

export interface NotificationPage {
  rows: NotificationRow[];
  /** Set when more rows follow. */
  next?: NotificationCursor;
  totalCount: number;
}

export async function pageNotificationsByType(db: Db, query: NotificationPageQuery): Promise<NotificationPage> {
  const window: SQL[] = [eq(notifications.accountId, query.accountId), eq(notifications.type, query.type)];
  if (query.since !== undefined) window.push(gte(notifications.createdAt, query.since));
  if (query.until !== undefined) window.push(lt(notifications.createdAt, query.until));
  if (query.destinations !== undefined || query.legStatus !== undefined)
    window.push(hasLeg(query.accountId, query.destinations, query.legStatus));

  const page = [...window];
  if (query.after) {
    const { createdAt, id } = query.after;
    page.push(
      query.order === "desc"
        ? sql`(${notifications.createdAt}, ${notifications.id}) < (${createdAt}, ${id})`
        : sql`(${notifications.createdAt}, ${notifications.id}) > (${createdAt}, ${id})`,
    );
  }
  const direction = query.order === "desc" ? desc : asc;
  // One row more than asked tells whether another page follows without a second query.
  const [rows, [total]] = await db.batch([
    db
      .select()
      .from(notifications)
      .where(and(...page))
      .orderBy(direction(notifications.createdAt), direction(notifications.id))
      .limit(query.limit + 1),
    db
      .select({ n: count() })
      .from(notifications)
      .where(and(...window)),
  ]);
  const hasMore = rows.length > query.limit;
  const pageRows = hasMore ? rows.slice(0, query.limit) : rows;
  const last = pageRows.at(-1);
  return {
    rows: pageRows,
    ...(hasMore && last ? { next: { createdAt: last.createdAt, id: last.id } } : {}),
    totalCount: total?.n ?? 0,
  };
}

/**
 * The notification has a leg to one of `destinations` (any when undefined), in `status` (any when undefined): through
 * deliveries_account_notification_idx, the few legs of each notification.
 */
function hasLeg(accountId: string, destinations?: readonly string[], status?: DeliveryStatus): SQL {
  if (destinations?.length === 0) return sql`0`;
  const to = destinations === undefined ? sql`` : sql` and ${inArray(deliveries.destination, [...destinations])}`;
  const inStatus = status === undefined ? sql`` : sql` and ${deliveries.status} = ${status}`;
  return sql`exists (select 1 from ${deliveries} where ${deliveries.accountId} = ${accountId} and ${deliveries.notificationId} = ${notifications.id}${to}${inStatus})`;
}

/** Whether the account's notification has a leg to one of `destinations`. */
export async function notificationHasLegTo(
  db: Db,
  accountId: string,
  notificationId: string,
  destinations: readonly string[],
): Promise<boolean> {
  const [row] = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.accountId, accountId),
        eq(notifications.id, notificationId),
        hasLeg(accountId, destinations),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** Moves a notification's status forward from one of `from`; answers whether it moved. */
export async function setNotificationStatus(
  db: Db,
  accountId: string,
  id: string,
  from: NotificationStatus[],
  to: NotificationStatus,
  now: number,
): Promise<boolean> {
  const result = await db
    .update(notifications)
    .set({ status: to, modifiedAt: now })
    .where(and(eq(notifications.accountId, accountId), eq(notifications.id, id), inArray(notifications.status, from)));
  return result.rowsAffected > 0;
}

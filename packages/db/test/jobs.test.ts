import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  advanceJob,
  createJob,
  type DeliveryRow,
  deliveries,
  failJob,
  findJob,
  insertNotification,
  NOTIFICATION_STATUS,
  newLeg,
  notifications,
  resetFailedDelivery,
} from "../src";
import type { Db } from "../src/client";
import { newId, notificationRow, storedNotification, useTestDb } from "./support";

const DAY = 86_400_000;
const NOW = 100 * DAY;
const SINCE = NOW - 3 * DAY;

const testDb = useTestDb();
let db: Db;
beforeAll(() => {
  db = testDb.db;
});

/** Another notification in the account of `first`: a destination has one leg per notification. */
async function sibling(first: { id: string; accountId: string }) {
  const id = newId();
  await insertNotification(
    db,
    notificationRow({ id, accountId: first.accountId, status: NOTIFICATION_STATUS.completed, createdAt: SINCE }),
  );
  return { id, accountId: first.accountId };
}

/** A leg of the notification to `destination`, finished as `status` at `modifiedAt`. */
function leg(
  notification: { id: string; accountId: string },
  destination: string,
  status: DeliveryRow["status"],
  modifiedAt: number,
  skipReason: DeliveryRow["skipReason"] = null,
): DeliveryRow {
  return {
    ...newLeg({
      id: newId(),
      accountId: notification.accountId,
      notificationId: notification.id,
      subscriptionId: newId(),
      channel: "webhook",
      destination,
      createdAt: modifiedAt - 1000,
    }),
    status,
    attempts: 3,
    nextAttemptAt: null,
    lastError: "HTTP 500",
    skipReason,
    modifiedAt,
  };
}

async function legOf(id: string) {
  return (await db.select().from(deliveries).where(eq(deliveries.id, id)))[0] as DeliveryRow;
}

describe("recover and replay jobs", () => {
  it("take the integration's failed legs in the window a page at a time, each once", async () => {
    const notification = await storedNotification(db, NOTIFICATION_STATUS.completed, SINCE);
    const more = [];
    for (let i = 0; i < 5; i++) more.push(await sibling(notification));
    const [n1, n2, n3, n4, n5] = more as [
      typeof notification,
      typeof notification,
      typeof notification,
      typeof notification,
      typeof notification,
    ];
    const integration = newId();
    const failed = [notification, n1, n2].map((of, hour) =>
      leg(of, integration, "FAILED", SINCE + (hour + 1) * 3_600_000),
    );
    const skipped = leg(n3, integration, "FAILED", SINCE + 1, "disabled");
    const others = [
      leg(n4, integration, "DELIVRD", SINCE + 10),
      leg(n5, integration, "FAILED", SINCE - 1),
      leg(notification, newId(), "FAILED", SINCE + 10),
    ];
    await db.insert(deliveries).values([...failed, skipped, ...others]);
    const base = { accountId: notification.accountId, integrationId: integration, since: SINCE, createdBy: "U" };

    const made = await createJob(db, { ...base, id: newId(), kind: "recover", now: NOW });
    expect(made.created).toBe(true);
    expect(made.job).toMatchObject({ status: "queued", matched: 3, requeued: 0, cursor: "" });
    // Asked again while it is unfinished: the same job.
    const again = await createJob(db, { ...base, id: newId(), kind: "recover", now: NOW + 1 });
    expect(again).toMatchObject({ created: false, job: { id: made.job.id } });
    // A leg retried by hand meanwhile is not taken again.
    expect(await resetFailedDelivery(db, notification.accountId, (failed[2] as DeliveryRow).id, NOW + 2)).toBe(true);

    const first = await advanceJob(db, made.job, NOW + 10, 1);
    expect(first.legs.map((l) => l.id)).toHaveLength(1);
    expect(first.job).toMatchObject({ status: "running", requeued: 1 });
    // A copy of the same message, holding the job as it was: takes nothing.
    expect(await advanceJob(db, made.job, NOW + 11, 1)).toEqual({ job: undefined, legs: [] });

    const second = await advanceJob(db, first.job!, NOW + 12, 1);
    expect(second.job).toMatchObject({ status: "running", requeued: 2 });
    const last = await advanceJob(db, second.job!, NOW + 13, 1);
    expect(last).toMatchObject({ legs: [], job: { status: "completed", requeued: 2, finishedAt: NOW + 13 } });

    const taken = [...first.legs, ...second.legs].map((l) => l.id).sort();
    expect(taken).toEqual([(failed[0] as DeliveryRow).id, (failed[1] as DeliveryRow).id].sort());
    for (const id of taken) {
      expect(await legOf(id)).toMatchObject({
        status: "PENDING",
        trigger: "recover",
        jobId: made.job.id,
        scheduleStart: 3,
        lastError: null,
      });
    }
    expect(await legOf((failed[2] as DeliveryRow).id)).toMatchObject({ trigger: "retry", jobId: null });
    for (const other of [skipped, ...others]) expect((await legOf(other.id)).status).toBe(other.status);
    const [stored] = await db.select().from(notifications).where(eq(notifications.id, notification.id));
    expect(stored?.status).toBe(NOTIFICATION_STATUS.dispatched);

    // Finished: a new request makes a new job, which finds nothing left.
    const later = await createJob(db, { ...base, id: newId(), kind: "recover", now: NOW + 20 });
    expect(later).toMatchObject({ created: true, job: { matched: 0 } });

    // Replay takes the leg skipped while the integration was disabled, and only it.
    const replay = await createJob(db, { ...base, id: newId(), kind: "replay", now: NOW + 30 });
    expect(replay.job.matched).toBe(1);
    const replayed = await advanceJob(db, replay.job, NOW + 31, 500);
    expect(replayed.legs.map((l) => l.id)).toEqual([skipped.id]);
    expect(await legOf(skipped.id)).toMatchObject({ status: "PENDING", trigger: "replay", skipReason: null });
  });

  it("is scoped to the account, and a failed job stops", async () => {
    const notification = await storedNotification(db, NOTIFICATION_STATUS.completed, SINCE);
    const integration = newId();
    await db.insert(deliveries).values(leg(notification, integration, "FAILED", SINCE + 5));
    const job = await createJob(db, {
      id: newId(),
      accountId: "someone-else",
      integrationId: integration,
      kind: "recover",
      since: SINCE,
      createdBy: "U",
      now: NOW,
    });
    expect(job.job.matched).toBe(0);
    expect(await findJob(db, notification.accountId, job.job.id)).toBeUndefined();
    await failJob(db, "someone-else", job.job.id, "kept failing", NOW + 1);
    expect(await findJob(db, "someone-else", job.job.id)).toMatchObject({ status: "failed", error: "kept failing" });
    expect(await advanceJob(db, job.job, NOW + 2, 500)).toEqual({ job: undefined, legs: [] });
  });
});

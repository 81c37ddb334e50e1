import { describe, expect, it } from "vitest";
import { openSuppressionWindows, type SuppressionWindow } from "../src";
import { newId, useTestDb } from "./support";

const t = useTestDb();

const MINUTE = 60_000;

/** Whether the one window opened (the subscription may notify). */
async function openSuppressionWindow(input: SuppressionWindow & { now: number }): Promise<boolean> {
  const { now, ...window } = input;
  const { opened } = await openSuppressionWindows(t.db, [window], now);
  return opened.has(`${window.subscriptionId}/${window.key}/${window.notificationId}`);
}

describe("suppression windows", () => {
  // Each row: a notification at `at` minutes, for incident `key`; whether the subscription may notify.
  it.each([
    {
      name: "first notification of an incident opens the window",
      window: 10,
      steps: [{ at: 0, key: "A", notifies: true }],
    },
    {
      name: "a repeat inside the window is suppressed",
      window: 10,
      steps: [
        { at: 0, key: "A", notifies: true },
        { at: 9, key: "A", notifies: false },
      ],
    },
    {
      name: "a repeat after the window notifies and opens a new one",
      window: 10,
      steps: [
        { at: 0, key: "A", notifies: true },
        { at: 11, key: "A", notifies: true },
        { at: 20, key: "A", notifies: false },
        { at: 22, key: "A", notifies: true },
      ],
    },
    {
      name: "a suppressed repeat does not extend the window",
      window: 10,
      steps: [
        { at: 0, key: "A", notifies: true },
        { at: 8, key: "A", notifies: false },
        { at: 10.5, key: "A", notifies: true },
      ],
    },
    {
      name: "another incident has its own window",
      window: 10,
      steps: [
        { at: 0, key: "A", notifies: true },
        { at: 1, key: "B", notifies: true },
        { at: 2, key: "A", notifies: false },
        { at: 3, key: "B", notifies: false },
      ],
    },
  ])("$name", async ({ window, steps }) => {
    const subscriptionId = newId();
    for (const step of steps) {
      const open = await openSuppressionWindow({
        subscriptionId,
        key: step.key,
        notificationId: newId(),
        now: step.at * MINUTE,
        windowMs: window * MINUTE,
      });
      expect(open, `at ${step.at} min, incident ${step.key}`).toBe(step.notifies);
    }
  });

  it("does not suppress a replayed fan-out of the notification that opened the window", async () => {
    const subscriptionId = newId();
    const notificationId = newId();
    const input = { subscriptionId, key: "A", notificationId, now: 0, windowMs: 10 * MINUTE };
    expect(await openSuppressionWindow(input)).toBe(true);
    expect(await openSuppressionWindow({ ...input, now: MINUTE })).toBe(true);
    expect(await openSuppressionWindow({ ...input, notificationId: newId(), now: 2 * MINUTE })).toBe(false);
  });

  it("keeps windows of different subscriptions apart", async () => {
    const base = { key: "A", now: 0, windowMs: 10 * MINUTE };
    expect(await openSuppressionWindow({ ...base, subscriptionId: newId(), notificationId: newId() })).toBe(true);
    expect(await openSuppressionWindow({ ...base, subscriptionId: newId(), notificationId: newId() })).toBe(true);
  });

  it("opens many windows in one statement, each by its own interval, and answers just the ones that opened", async () => {
    const [short, long, fresh] = [newId(), newId(), newId()];
    const first = { notificationId: newId(), key: "A" };
    await openSuppressionWindows(
      t.db,
      [
        { ...first, subscriptionId: short, windowMs: MINUTE },
        { ...first, subscriptionId: long, windowMs: 60 * MINUTE },
      ],
      0,
    );
    const next = newId();
    const { opened } = await openSuppressionWindows(
      t.db,
      [
        { subscriptionId: short, key: "A", notificationId: next, windowMs: MINUTE },
        { subscriptionId: long, key: "A", notificationId: next, windowMs: 60 * MINUTE },
        { subscriptionId: fresh, key: "A", notificationId: next, windowMs: 60 * MINUTE },
      ],
      2 * MINUTE,
    );
    expect([...opened].sort()).toEqual([`${short}/A/${next}`, `${fresh}/A/${next}`].sort());
  });
});

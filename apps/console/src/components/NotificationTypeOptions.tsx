import type { Schemas } from "@herald/client";

/** The `<option>`s of a notification type select: each type by its name, its id in brackets. */
export function NotificationTypeOptions({ types }: { types: Schemas["Notification-Type"][] | undefined }) {
  return (
    <>
      {types?.map((t) => (
        <option key={t.notification_type} value={t.notification_type}>
          {t.name} ({t.notification_type})
        </option>
      ))}
    </>
  );
}

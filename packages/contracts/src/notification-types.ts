import { pathParam } from "./common";
import { z } from "./zod";

/** Exactly two non-empty segments separated by one slash, e.g. `incidents/alerts`. */
export const NotificationTypeKey = z
  .string()
  .regex(/^[^/]+\/[^/]+$/, "must be two non-empty segments separated by one slash, e.g. incidents/alerts")
  .openapi("Subscription-Request-Field-Notification-Type", {
    description:
      "A notification type: two non-empty segments separated by one slash. Seen in the wild: incidents/alerts, " +
      "observations/notification, health/alerts, tableau/notifications, search/notifications, report/scheduled.",
    example: "incidents/alerts",
  });
export type NotificationTypeKey = z.infer<typeof NotificationTypeKey>;

export const TemplateKey = z
  .enum([
    "log_review_created",
    "fim_report_template",
    "scheduled_report_template",
    "observation_template",
    "incidents_template",
  ])
  .openapi("Subscription-Request-Field-Template-Key", {
    description: "Email template a subscription uses instead of its notification type's default.",
    example: "incidents_template",
  });
export type TemplateKey = z.infer<typeof TemplateKey>;

// Not limited to TemplateKey: Alert Logic's own example uses display names, and admins may add templates later.
const TemplateName = z
  .string()
  .min(1)
  .openapi({
    description: `Template name. Known keys: ${TemplateKey.options.join(", ")}.`,
    example: "incidents_template",
  });

const typeFields = {
  notification_type: NotificationTypeKey,
  name: z.string().min(1).max(255).openapi({ description: "Display name.", example: "Incidents" }),
  default_template: TemplateName,
  templates: z.array(TemplateName).min(1).openapi({ description: "Templates a subscription to this type may pick." }),
  default_email_subject: z
    .string()
    .min(1)
    .openapi({ description: "Email subject unless a subscription sets options.email_subject.", example: "Incident" }),
};

const typeExample = {
  notification_type: "incidents/alerts",
  name: "Incidents",
  default_template: "incidents_template",
  templates: ["incidents_template", "log_review_created"],
  default_email_subject: "Alert Logic Incident",
};

export const NotificationType = z.object(typeFields).openapi("Notification-Type", { example: typeExample });
export type NotificationType = z.infer<typeof NotificationType>;

function defaultTemplateIsListed(body: { default_template?: string; templates?: string[] }): boolean {
  return !body.default_template || !body.templates || body.templates.includes(body.default_template);
}
const defaultTemplateNotListed = { path: ["default_template"], message: "default_template must be one of templates" };

export const CreateNotificationTypeRequest = z
  .object({ ...typeFields, templates: typeFields.templates.optional() })
  .refine(defaultTemplateIsListed, defaultTemplateNotListed)
  .transform(({ templates, ...type }) => ({ ...type, templates: templates ?? [type.default_template] }))
  .openapi("Create-Notification-Type-Request", {
    description: "Platform admins only. `templates` defaults to `[default_template]`.",
    example: typeExample,
  });
export type CreateNotificationTypeRequest = z.infer<typeof CreateNotificationTypeRequest>;

export const UpdateNotificationTypeRequest = z
  .object({
    name: typeFields.name.optional(),
    default_template: typeFields.default_template.optional(),
    templates: typeFields.templates.optional(),
    default_email_subject: typeFields.default_email_subject.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: "send at least one of name, default_template, templates, default_email_subject",
  })
  .refine(defaultTemplateIsListed, defaultTemplateNotListed)
  .openapi("Update-Notification-Type-Request", {
    description:
      "Platform admins only. Changes the fields sent. The type's key comes from the path; a " +
      "`notification_type` in the body (the Alert Logic console sends the whole type) is ignored.",
    example: { default_email_subject: "Alert Logic Incident Notification" },
  });
export type UpdateNotificationTypeRequest = z.infer<typeof UpdateNotificationTypeRequest>;

export const NotificationTypeList = z
  .object({ notification_types: z.array(NotificationType) })
  .openapi("Notification-Type-List");
export type NotificationTypeList = z.infer<typeof NotificationTypeList>;

export const NotificationTypeParam = z.object({
  notification_type: pathParam(
    "notification_type",
    NotificationTypeKey,
    "Notification type; its slash is not encoded.",
  ),
});
export type NotificationTypeParam = z.infer<typeof NotificationTypeParam>;

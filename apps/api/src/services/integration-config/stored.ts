// What a row stores of a configuration (`targetUrl`, `headers`, `config`, `secrets`), and the shaping create and
// update share: a webhook's settings, an e-mail integration's subject, PagerDuty's regional endpoints.
import type { IntegrationRow } from "@herald/db";
import { subjectTemplateProblem } from "../../delivery/email/render";
import { jsonTemplate, TemplateError } from "../../delivery/payload-conversion";
import { ApiError } from "../../errors";

/** The parts of a row an integration's configuration decides. */
export type StoredConfig = Pick<IntegrationRow, "targetUrl" | "headers" | "config" | "secrets">;

export const PAGERDUTY_EVENTS_URL = {
  us: "https://events.pagerduty.com/v2/enqueue",
  eu: "https://events.eu.pagerduty.com/v2/enqueue",
} as const;

export interface WebhookSettings {
  payload_conversion_type?: string | undefined;
  payload_template?: string | undefined;
  method?: string | undefined;
}

/**
 * A webhook's conversion settings as stored: only what differs from the defaults (no conversion, POST), a `json`
 * template compiled first, so one that does not compile or would not give JSON is a 400 naming the problem. A `jq`
 * program is compiled in its sandbox, which is asynchronous: checkConversion, before the row is written.
 */
export function webhookConfig(settings: WebhookSettings): Record<string, unknown> {
  const conversion = settings.payload_conversion_type ?? "default";
  const template = settings.payload_template ?? "";
  if (conversion === "json" || conversion === "jq") {
    if (template.trim() === "")
      throw ApiError.invalid("payload_template", `${conversion} conversion needs a payload_template`);
    if (conversion === "json") {
      try {
        jsonTemplate(template);
      } catch (error) {
        if (error instanceof TemplateError) throw ApiError.invalid("payload_template", `the template ${error.message}`);
        throw error;
      }
    }
  } else if (template !== "") {
    throw ApiError.invalid(
      "payload_template",
      "a payload_template applies only with payload_conversion_type json or jq",
    );
  }
  return defined({
    payload_conversion_type: conversion === "default" ? undefined : conversion,
    payload_template: conversion === "default" ? undefined : template,
    method: settings.method === "POST" ? undefined : settings.method,
  });
}

/**
 * An `email` integration's settings as stored: its subject template, checked as Mustache now so a broken one is a 400
 * rather than a fallback subject on every ticket. An empty template is none. The address is the row's `targetUrl`:
 * where its e-mails go, as answers and the attempts log show it (an address, not a credential).
 */
export function emailConfig(subjectTemplate: string | undefined): Record<string, unknown> {
  if (subjectTemplate === undefined || subjectTemplate.trim() === "") return {};
  const problem = subjectTemplateProblem(subjectTemplate);
  if (problem) throw ApiError.invalid("subject_template", `is not a valid Mustache template: ${problem}`);
  return { subject_template: subjectTemplate };
}

/** Settings with the absent ones left out, so a row stores only what was said. */
export function defined(settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}

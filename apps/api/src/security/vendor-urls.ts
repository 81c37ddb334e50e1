// Where each vendor-hosted integration type may send: its vendor's hosts, over https. A Slack integration is a way to
// reach Slack, never a way to reach an internal address or another service; `webhook` and `splunk_hec` targets are
// any public address and go through the full check of target-url.ts instead.
import type { IntegrationKind } from "@herald/db";
import { checkTargetUrl, type TargetUrlPolicy, type TargetUrlVerdict } from "./target-url";

interface VendorRule {
  vendor: string;
  /** Exact host names. */
  hosts?: readonly string[];
  /** Host suffixes, each starting with a dot. */
  suffixes?: readonly string[];
  /** What the path must look like. */
  path: RegExp;
  pathHint: string;
  /** A site's base URL, which calls extend with paths: no query or fragment either. */
  site?: boolean;
}

export type VendorHostedType = "slack" | "msteams" | "discord" | "pagerduty" | "jira" | "jsd" | "snow";

// Ticketing types store their site's base URL (`https://acme.atlassian.net`); each call adds the API's path.
const JIRA_SITE: VendorRule = {
  vendor: "Jira Cloud",
  suffixes: [".atlassian.net"],
  path: /^\/?$/,
  pathHint: "the site alone, e.g. https://acme.atlassian.net",
  site: true,
};

const RULES: Record<VendorHostedType, VendorRule> = {
  slack: {
    vendor: "Slack",
    hosts: ["hooks.slack.com"],
    // Incoming webhooks (/services/T…/B…/token) and Workflow Builder webhooks (/triggers/…, /workflows/…).
    path: /^\/(services|triggers|workflows)\/[^/]+(\/[^/]+)*\/?$/,
    pathHint: "/services/T…/B…/…",
  },
  msteams: {
    vendor: "Microsoft Teams Workflows",
    suffixes: [".logic.azure.com", ".api.powerplatform.com"],
    path: /^\/.+/,
    pathHint: "the workflow's trigger path",
  },
  discord: {
    vendor: "Discord",
    hosts: ["discord.com", "discordapp.com", "canary.discord.com", "ptb.discord.com"],
    path: /^\/api(\/v\d+)?\/webhooks\/\d+\/[A-Za-z0-9_-]+\/?$/,
    pathHint: "/api/webhooks/{id}/{token}",
  },
  pagerduty: {
    vendor: "PagerDuty Events API",
    hosts: ["events.pagerduty.com", "events.eu.pagerduty.com"],
    path: /^\/v2\/enqueue\/?$/,
    pathHint: "/v2/enqueue",
  },
  jira: JIRA_SITE,
  jsd: JIRA_SITE,
  snow: {
    vendor: "ServiceNow",
    suffixes: [".service-now.com"],
    path: /^\/?$/,
    pathHint: "the instance alone, e.g. https://acme.service-now.com",
    site: true,
  },
};

export function isVendorHosted(type: IntegrationKind): type is VendorHostedType {
  return type in RULES;
}

function onVendorHost(rule: VendorRule, host: string): boolean {
  return (rule.hosts ?? []).includes(host) || (rule.suffixes ?? []).some((suffix) => host.endsWith(suffix));
}

/**
 * Decides whether an integration of `type` may call `raw`. Vendor-hosted types: https on the vendor's hosts, with the
 * vendor's path; with `allowLoopback` (local development and tests) also a loopback fake of the vendor, any path.
 * The other types: any public http(s) address (target-url.ts).
 */
export function checkIntegrationUrl(type: IntegrationKind, raw: string, policy: TargetUrlPolicy): TargetUrlVerdict {
  const verdict = checkTargetUrl(raw, policy);
  if (!verdict.ok || !isVendorHosted(type)) return verdict;
  const rule = RULES[type];
  const { url } = verdict;
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  if (policy.allowLoopback && isLoopbackHost(host)) return verdict;
  if (!onVendorHost(rule, host)) return { ok: false, reason: `must be on a ${rule.vendor} host` };
  if (url.protocol !== "https:") return { ok: false, reason: `must use https, as ${rule.vendor} does` };
  if (url.port !== "" && url.port !== "443") return { ok: false, reason: `must use ${rule.vendor}'s port (443)` };
  const extra = rule.site && (url.search !== "" || url.hash !== "" || /[?#]/.test(raw));
  if (!rule.path.test(url.pathname) || extra)
    return { ok: false, reason: `must be a ${rule.vendor} URL (${rule.pathHint})` };
  return verdict;
}

function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host.startsWith("127.");
}

/** A URL that is a credential, as answers show it: its origin, `****` and its last four characters. */
export function maskUrl(raw: string): string {
  let origin = "";
  try {
    origin = new URL(raw).origin;
  } catch {
    // Stored URLs were checked when saved; an unreadable one shows nothing of itself.
  }
  return `${origin}/****${raw.length >= 24 ? raw.slice(-4) : ""}`;
}

/**
 * A ticketing site's base URL from what a user typed: a host (`acme.atlassian.net`), an origin, or for ServiceNow an
 * instance name alone (`acme`); with a loopback fake (tests, local development) an http URL with a path prefix.
 * Answers the text unchanged when it is none of these, for checkIntegrationUrl to refuse with its reason.
 */
export function siteBaseUrl(type: "jira" | "jsd" | "snow", typed: string): string {
  const text = typed.trim();
  if (/^https?:\/\//i.test(text)) return text.replace(/\/+$/, "");
  if (type === "snow" && /^[A-Za-z0-9][A-Za-z0-9-]*$/.test(text)) return `https://${text}.service-now.com`;
  return `https://${text.replace(/\/+$/, "")}`;
}

/** How answers show a site: its host when it is the vendor's plain https origin, else the whole base URL. */
export function siteShown(baseUrl: string): string {
  return /^https:\/\/[^/:]+$/i.test(baseUrl) ? baseUrl.slice("https://".length) : baseUrl;
}

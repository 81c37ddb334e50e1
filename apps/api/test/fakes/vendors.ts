// The five alert-channel vendors as faithful fakes, one WHATWG handler for both runtimes: fakes.node.ts hands them
// the Worker's fetches in workerd tests (by host), serve.node.ts serves them on one loopback port for Node tests
// (by path prefix, LOOPBACK_PREFIXES). Each vendor's file says what it checks, answers and enforces; vendor-kit.ts
// says how to script and read them.
//
//   slack       https://hooks.slack.com/services/T…/B…/<secret>                       key T…/B…/<secret>
//   msteams     https://<prod-NN.region>.logic.azure.com/workflows/<id>/triggers/manual/paths/invoke?…
//               https://<env>.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/<id>/…
//                                                                                     key <id>
//   discord     https://discord.com/api/webhooks/<id>/<token>                         key <id>
//   pagerduty   https://events.pagerduty.com/v2/enqueue (or events.eu.)               key routing_key
//   splunk_hec  https://splunk.test:8088/services/collector/event                     key the token
//   jira        https://<site>.atlassian.net/rest/api/3/... and /rest/servicedeskapi/... (jira and jsd)
//                                                                                     key the account's e-mail
//   snow        https://<instance>.service-now.com/api/now/table/incident             key the user or bearer token
import type { ChannelType } from "../../src/delivery/channels/outcomes";
import { DISCORD_HOST, DISCORD_HOSTS, DiscordFake } from "./discord";
import { JIRA_HOST, JiraFake } from "./jira";
import { isTeamsHost, MSTEAMS_HOST, MsTeamsFake } from "./msteams";
import { PAGERDUTY_HOST, PAGERDUTY_HOSTS, PagerDutyFake } from "./pagerduty";
import { ServiceNowFake, SNOW_HOST } from "./servicenow";
import { SLACK_HOST, SlackFake } from "./slack";
import { SPLUNK_HEC_HOST, SplunkHecFake } from "./splunk-hec";
import { type Clock, VendorEndpoint } from "./vendor-kit";

/** A vendor with a fake: the alert channels, Jira (with Service Management) and ServiceNow. */
export type VendorType = ChannelType | "jira" | "snow";

/** The host each vendor is reached at by default (one of several for Teams, Discord, PagerDuty, Jira, ServiceNow). */
export const VENDOR_HOSTS: Record<VendorType, string> = {
  slack: SLACK_HOST,
  msteams: MSTEAMS_HOST,
  discord: DISCORD_HOST,
  pagerduty: PAGERDUTY_HOST,
  splunk_hec: SPLUNK_HEC_HOST,
  jira: JIRA_HOST,
  snow: SNOW_HOST,
};

export interface VendorFakes {
  /** Answers a call to a vendor's host; undefined for any other host. */
  fetch(request: Request): Promise<Response | undefined>;
  /** The vendor a URL's host belongs to. */
  vendorOf(url: URL): VendorType | undefined;
  readonly endpoints: Record<VendorType, VendorEndpoint>;
  readonly pagerduty: PagerDutyFake;
  readonly splunkHec: SplunkHecFake;
  readonly jira: JiraFake;
  readonly snow: ServiceNowFake;
}

/** Fresh fakes with their own records, scripts and rate limits; `now` drives the rate limits and call times. */
export function createVendorFakes(options: { now?: Clock } = {}): VendorFakes {
  const now = options.now ?? Date.now;
  const pagerduty = new PagerDutyFake(now);
  const splunkHec = new SplunkHecFake();
  const jira = new JiraFake();
  const snow = new ServiceNowFake();
  const endpoints: Record<VendorType, VendorEndpoint> = {
    slack: new VendorEndpoint(new SlackFake(now), now),
    msteams: new VendorEndpoint(new MsTeamsFake(), now),
    discord: new VendorEndpoint(new DiscordFake(now), now),
    pagerduty: new VendorEndpoint(pagerduty, now),
    splunk_hec: new VendorEndpoint(splunkHec, now),
    jira: new VendorEndpoint(jira, now),
    snow: new VendorEndpoint(snow, now),
  };
  const vendorOf = (url: URL): VendorType | undefined => {
    if (url.hostname === SLACK_HOST) return "slack";
    if (isTeamsHost(url.hostname)) return "msteams";
    if (DISCORD_HOSTS.has(url.hostname)) return "discord";
    if (PAGERDUTY_HOSTS.has(url.hostname)) return "pagerduty";
    if (url.hostname === new URL(`https://${SPLUNK_HEC_HOST}`).hostname) return "splunk_hec";
    if (url.hostname.endsWith(".atlassian.net")) return "jira";
    if (url.hostname.endsWith(".service-now.com")) return "snow";
    return undefined;
  };
  return {
    async fetch(request) {
      const vendor = vendorOf(new URL(request.url));
      return vendor ? endpoints[vendor].fetch(request) : undefined;
    },
    vendorOf,
    endpoints,
    pagerduty,
    splunkHec,
    jira,
    snow,
  };
}

/**
 * On loopback every vendor shares one origin, told apart by the first path segment, the integration type:
 * http://127.0.0.1:<port>/<type>/<the vendor's path and query>, e.g. /slack/services/T…/B…/x, /pagerduty/v2/enqueue,
 * /splunk_hec/services/collector/event, /msteams/workflows/<id>/triggers/manual/paths/invoke?…, and the control
 * paths likewise (/slack/__requests/<key>).
 */
export function loopbackToVendorUrl(url: URL): URL | undefined {
  const match = /^\/(slack|msteams|discord|pagerduty|splunk_hec|jira|snow)(\/.*)?$/.exec(url.pathname);
  if (!match) return undefined;
  const vendor = match[1] as VendorType;
  return new URL(`https://${VENDOR_HOSTS[vendor]}${match[2] ?? "/"}${url.search}`);
}

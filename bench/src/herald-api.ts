// The few Herald calls the bench makes to set a server up (log in, integrations, subscriptions, seed data). Plain
// fetch over loopback: setup is not measured.
import { DEV_ACCOUNTS } from "@herald/api/scripts/dev-seed";

type DevAccount = (typeof DEV_ACCOUNTS)[number];
const ACME = DEV_ACCOUNTS[0] as DevAccount;
/** The platform administrator, who may create notification types. */
export const PLATFORM = DEV_ACCOUNTS[2] as DevAccount;
export const ACCOUNT_ID = ACME.account.id;
export const NOTIFICATION_TYPE = "incidents/alerts";

/** The body of every benchmark notification; `bench_id` lets the receiver tie a webhook to its send. */
export function notificationBody(benchId: string, type = NOTIFICATION_TYPE) {
  return {
    type,
    notification_data: { threat_level: "high", escalated: true },
    asset_data: { host: "bench-host-1" },
    payload: { long_incident_id: `bench-${benchId}`, attack_summary: "SSH brute force", bench_id: benchId },
  };
}

export class HeraldApi {
  token = "";

  constructor(readonly baseUrl: string) {}

  get accountUrl(): string {
    return `${this.baseUrl}/herald/v2/${ACCOUNT_ID}`;
  }

  async login(account: DevAccount = ACME): Promise<void> {
    const basic = Buffer.from(`${account.key.id}:${account.key.secret}`).toString("base64");
    const answer = await this.call("POST", "/aims/v1/authenticate", undefined, { authorization: `Basic ${basic}` });
    this.token = (answer as { authentication: { token: string } }).authentication.token;
  }

  /** A webhook integration; `controls` adds fields such as `rate_limit` and `max_in_flight`. */
  async createIntegration(name: string, targetUrl: string, controls: Record<string, unknown> = {}): Promise<string> {
    const created = await this.call("POST", `/herald/v2/${ACCOUNT_ID}/integrations`, {
      name,
      target_url: targetUrl,
      ...controls,
    });
    return (created as { id: string }).id;
  }

  /** A notification type no account has subscribed to yet (platform administrators only). */
  async createNotificationType(type: string): Promise<void> {
    await this.call("POST", "/herald/v2/notification_types", {
      notification_type: type,
      name: `Bench ${type}`,
      default_template: "incidents_template",
      default_email_subject: "Bench alert",
    });
  }

  async createSubscription(name: string, integrationIds: string[], type = NOTIFICATION_TYPE): Promise<void> {
    await this.call("POST", `/herald/v2/${ACCOUNT_ID}/subscriptions`, {
      name,
      class: "event",
      notification_type: type,
      subscribers: integrationIds.map((id) => ({ subscriber: id, subscriber_type: "connection" })),
    });
  }

  async sendNotification(benchId: string): Promise<string> {
    const sent = await this.call("POST", `/herald/v2/${ACCOUNT_ID}/notifications`, notificationBody(benchId));
    return (sent as { id: string }).id;
  }

  /** Setup calls `wrangler dev`'s proxy dropped and this client sent again (see call). */
  proxyRetries = 0;

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const answer = await this.callOnce(method, path, body, headers);
      // wrangler dev's proxy loses a POST now and then on a keep-alive connection its runtime had just closed, and
      // answers this 503 without the Worker having seen it (cloudflare/workers-sdk#14641). Setup is not measured: send
      // it again. Measured phases count it as a failed send like any other.
      if (answer.status === 503 && answer.text.startsWith("Your worker restarted mid-request") && attempt < 5) {
        this.proxyRetries += 1;
        continue;
      }
      if (!answer.ok) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
      return answer.text === "" ? undefined : JSON.parse(answer.text);
    }
  }

  private async callOnce(method: string, path: string, body: unknown, headers: Record<string, string>) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.token ? { "x-aims-auth-token": this.token } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { ok: response.ok, status: response.status, text: await response.text() };
  }
}

/** Runs `task(i)` for i in [0, count), at most `concurrency` at a time. */
export async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) await task(i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

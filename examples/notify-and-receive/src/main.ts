// Subscribes a webhook receiver (started here, on a free local port) to a notification type, sends a notification,
// verifies the signed delivery and acknowledges it. Runs against `npm run dev` (see README.md); cleans up after itself.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { createHeraldClient, isHeraldError, type Notification, verifyWebhook } from "@herald/client";

const HERALD_URL = process.env.HERALD_URL ?? "http://127.0.0.1:8787";
const NOTIFICATION_TYPE = process.env.HERALD_NOTIFICATION_TYPE ?? "incidents/alerts";
const TIMEOUT_MS = 30_000;

const herald = createHeraldClient({
  baseUrl: HERALD_URL,
  // The development account's key (README: Development accounts).
  accessKeyId: process.env.HERALD_ACCESS_KEY_ID ?? "devkey12345678",
  secretKey: process.env.HERALD_SECRET_KEY ?? "devsecret12345678",
});

interface Delivery {
  webhookId: string;
  notification: Notification;
}

/** The receiver: verifies each request with the integration's secret and answers 204, or 401 when it fails. */
function startReceiver(secret: () => string | undefined, onDelivery: (delivery: Delivery) => void) {
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const key = secret();
    if (!key) return void response.writeHead(503).end();
    try {
      const notification = await verifyWebhook({ secret: key, headers: request.headers, body });
      response.writeHead(204).end();
      onDelivery({ webhookId: String(request.headers["webhook-id"]), notification });
    } catch (error) {
      console.error(`receiver: rejected a webhook: ${(error as Error).message}`);
      response.writeHead(401).end();
    }
  });
  return new Promise<{ url: string; close: () => void }>((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/herald`, close: () => server.close() });
    });
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function main() {
  const run = randomUUID();
  let signingSecret: string | undefined;
  let delivered: (delivery: Delivery) => void = () => {};
  const firstDelivery = new Promise<Delivery>((resolve, reject) => {
    delivered = resolve;
    setTimeout(() => reject(new Error(`no webhook arrived within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS).unref();
  });
  const receiver = await startReceiver(
    () => signingSecret,
    (delivery) => delivered(delivery),
  );
  console.log(`receiver listening on ${receiver.url}`);

  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    const integration = await herald.createIntegration({ name: `example ${run}`, target_url: receiver.url });
    cleanup.push(() => herald.deleteIntegration(integration.id));
    // A body without a type is a webhook; the answer's type says so, and narrows it to a webhook's properties.
    if (integration.type !== "webhook") throw new Error(`expected a webhook integration, got ${integration.type}`);
    signingSecret = (await herald.getIntegrationSecret(integration.id)).key;
    console.log(`integration ${integration.id} -> ${integration.target_url}`);

    // The filter keeps this subscription to this run's notification, whatever else is sent meanwhile.
    const subscription = await herald.createSubscription({
      name: `example ${run}`,
      class: "event",
      notification_type: NOTIFICATION_TYPE,
      subscribers: [{ subscriber: integration.id, subscriber_type: "connection" }],
      filters: { "=": [{ source: "notification.example_run" }, run] },
    });
    cleanup.push(() => herald.deleteSubscription(subscription.id));
    console.log(`subscription ${subscription.id} to ${NOTIFICATION_TYPE}`);

    const sent = await herald.sendNotification(
      {
        type: NOTIFICATION_TYPE,
        notification_data: { threat_level: "high", example_run: run },
        asset_data: {},
        payload: { long_incident_id: `example-${run}`, threat: "High", attack_summary: "SSH brute force" },
      },
      // Safe to retry: a repeat with the same key answers the first notification.
      { idempotencyKey: true },
    );
    console.log(`sent notification ${sent.id}; waiting for the webhook...`);

    const { webhookId, notification } = await firstDelivery;
    if (notification.id !== sent.id) throw new Error(`received notification ${notification.id}, not ${sent.id}`);
    console.log(`received ${webhookId}: notification ${notification.id} (${notification.type}), signature valid`);

    // Herald records DELIVRD once it has our 204; then the read receipt moves it to READ.
    const delivery = await waitForStatus(sent.id, "DELIVRD");
    const receipt = await herald.acknowledgeWebhook({ webhookId, secret: signingSecret });
    console.log(`delivery ${delivery.id}: ${delivery.status}, then ${receipt.status} after the read receipt`);
  } finally {
    for (const undo of cleanup.reverse()) await undo().catch(() => {});
    receiver.close();
  }
}

async function waitForStatus(notificationId: string, status: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { deliveries } = await herald.getNotificationDeliveries({ notification_id: notificationId });
    const delivery = deliveries[0];
    if (delivery?.status === status) return delivery;
    if (Date.now() > deadline) throw new Error(`delivery is ${delivery?.status ?? "missing"}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

main().catch((error: unknown) => {
  console.error(isHeraldError(error) ? `${error.message} (request ${error.requestId})` : error);
  process.exitCode = 1;
});

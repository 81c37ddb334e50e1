// Scenario 5, end-to-end delivery: notifications sent over HTTP, fanned out and delivered by the server's queues,
// counted as they arrive at the local receiver. Latency of a delivery = the time its webhook's body has fully arrived
// at the receiver minus the time its notification's POST was due to start (the send time), both taken in this
// process on one monotonic clock.
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { ACCOUNT_ID, notificationBody } from "./herald-api";
import type { Receiver } from "./receiver";
import { type Percentiles, percentiles, sleep } from "./stats";

/** Sends notifications over a pool of keep-alive connections. */
export class Sender {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly url: URL;

  constructor(
    baseUrl: string,
    private readonly token: string,
  ) {
    this.url = new URL(`/herald/v2/${ACCOUNT_ID}/notifications`, baseUrl);
  }

  /** POSTs one notification; resolves with the answer's status, 0 for a network error. */
  send(benchId: string): Promise<number> {
    const body = JSON.stringify(notificationBody(benchId));
    return new Promise((resolve) => {
      const call = request(
        this.url,
        {
          method: "POST",
          agent: this.agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            "x-aims-auth-token": this.token,
          },
        },
        (response) => {
          response.resume();
          response.on("end", () => resolve(response.statusCode ?? 0));
          response.on("error", () => resolve(0));
        },
      );
      call.on("error", () => resolve(0));
      call.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Notifications waiting for their deliveries; each arrival is timed against its notification's send time. */
class InFlight {
  private readonly waiting = new Map<string, { sentAt: number; remaining: number; measured: boolean }>();
  readonly latencies: number[] = [];
  /** Deliveries of this phase's notifications: a backlog left by an earlier phase does not count. */
  arrivals = 0;
  completed = 0;
  onComplete: (() => void) | undefined;

  constructor(
    receiver: Receiver,
    private readonly destinations: number,
  ) {
    receiver.onDelivery((benchId, arrivedAt) => this.arrived(benchId, arrivedAt));
  }

  get size(): number {
    return this.waiting.size;
  }

  add(benchId: string, sentAt: number, measured: boolean): void {
    this.waiting.set(benchId, { sentAt, remaining: this.destinations, measured });
  }

  forget(benchId: string): void {
    this.waiting.delete(benchId);
  }

  /** Legs still expected. */
  missing(): number {
    let legs = 0;
    for (const entry of this.waiting.values()) legs += entry.remaining;
    return legs;
  }

  async drained(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.waiting.size > 0 && performance.now() < deadline) await sleep(50);
  }

  private arrived(benchId: string, arrivedAt: number) {
    const entry = this.waiting.get(benchId);
    if (!entry) return;
    this.arrivals += 1;
    if (entry.measured) this.latencies.push(arrivedAt - entry.sentAt);
    entry.remaining -= 1;
    if (entry.remaining > 0) return;
    this.waiting.delete(benchId);
    this.completed += 1;
    this.onComplete?.();
  }
}

export interface EndToEndOptions {
  sender: Sender;
  receiver: Receiver;
  destinations: number;
  warmupSeconds: number;
  seconds: number;
  drainSeconds: number;
}

export interface EndToEndResult {
  notificationsPerSecond: number;
  deliveriesPerSecond: number;
  /** Send-to-delivered latency of the deliveries of notifications sent in the measured window. */
  latencyMs: Percentiles;
  /** Sends that did not answer 202. */
  failedSends: number;
  /** Those sends by the status they answered (0: no answer, a network error), to tell overload from a bug. */
  failedSendStatuses: Record<string, number>;
  /** Legs of this phase's notifications that had not arrived when the drain grace ran out. */
  missingDeliveries: number;
  duplicates: number;
}

/**
 * The maximum: a closed loop that keeps `window` notifications in flight (sent and not yet delivered to every
 * destination), sending the next one as each completes. The receiver's rate over the measured window is what the
 * whole pipeline (ingest, fan-out, delivery) sustains without a backlog growing.
 */
export async function measureMaximum(options: EndToEndOptions & { window: number }): Promise<EndToEndResult> {
  const { sender, receiver } = options;
  receiver.reset();
  const inFlight = new InFlight(receiver, options.destinations);
  let sequence = 0;
  let sending = true;
  let measuring = false;
  let failedSends = 0;
  const failedSendStatuses: Record<string, number> = {};
  const sendOne = () => {
    if (!sending) return;
    const benchId = `max-${sequence++}`;
    inFlight.add(benchId, performance.now(), measuring);
    void sender.send(benchId).then((status) => {
      if (status === 202) return;
      failedSends += 1;
      failedSendStatuses[status] = (failedSendStatuses[status] ?? 0) + 1;
      inFlight.forget(benchId);
      // Back off a little, so a refusing server does not turn this into a busy loop.
      setTimeout(sendOne, 100);
    });
  };
  inFlight.onComplete = sendOne;
  for (let i = 0; i < options.window; i++) sendOne();

  await sleep(options.warmupSeconds * 1000);
  measuring = true;
  const start = { at: performance.now(), delivered: inFlight.arrivals, completed: inFlight.completed };
  await sleep(options.seconds * 1000);
  const end = { at: performance.now(), delivered: inFlight.arrivals, completed: inFlight.completed };
  sending = false;
  await inFlight.drained(options.drainSeconds * 1000);

  const seconds = (end.at - start.at) / 1000;
  return {
    notificationsPerSecond: (end.completed - start.completed) / seconds,
    deliveriesPerSecond: (end.delivered - start.delivered) / seconds,
    latencyMs: percentiles(inFlight.latencies),
    failedSends,
    failedSendStatuses,
    missingDeliveries: inFlight.missing(),
    duplicates: receiver.duplicates,
  };
}

/**
 * A steady open loop at `rate` notifications per second: each send is due at a fixed time whatever the server's
 * answers, and latency counts from that due time, so a server that falls behind shows it in the latency instead of
 * slowing the sender down.
 */
export async function measureSteady(options: EndToEndOptions & { rate: number }): Promise<EndToEndResult> {
  const { sender, receiver, rate } = options;
  receiver.reset();
  const inFlight = new InFlight(receiver, options.destinations);
  const began = performance.now();
  const warmupMs = options.warmupSeconds * 1000;
  const totalMs = warmupMs + options.seconds * 1000;
  let sent = 0;
  let failedSends = 0;
  const failedSendStatuses: Record<string, number> = {};
  let measuredFrom: { at: number; delivered: number; completed: number } | undefined;

  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      const elapsed = now - began;
      if (elapsed >= warmupMs && !measuredFrom) {
        measuredFrom = { at: now, delivered: inFlight.arrivals, completed: inFlight.completed };
      }
      const due = Math.floor((Math.min(elapsed, totalMs) / 1000) * rate);
      for (; sent < due; sent++) {
        const dueAt = began + (sent / rate) * 1000;
        const benchId = `steady-${sent}`;
        inFlight.add(benchId, dueAt, dueAt - began >= warmupMs);
        void sender.send(benchId).then((status) => {
          if (status === 202) return;
          failedSends += 1;
          failedSendStatuses[status] = (failedSendStatuses[status] ?? 0) + 1;
          inFlight.forget(benchId);
        });
      }
      if (elapsed >= totalMs) {
        clearInterval(tick);
        resolve();
      }
    }, 2);
  });
  const end = { at: performance.now(), delivered: inFlight.arrivals, completed: inFlight.completed };
  await inFlight.drained(options.drainSeconds * 1000);

  const from = measuredFrom ?? { at: began, delivered: 0, completed: 0 };
  const seconds = (end.at - from.at) / 1000;
  return {
    notificationsPerSecond: (end.completed - from.completed) / seconds,
    deliveriesPerSecond: (end.delivered - from.delivered) / seconds,
    latencyMs: percentiles(inFlight.latencies),
    failedSends,
    failedSendStatuses,
    missingDeliveries: inFlight.missing(),
    duplicates: receiver.duplicates,
  };
}

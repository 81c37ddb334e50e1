// Scenario 5, end-to-end delivery: notifications sent over HTTP, fanned out and delivered by the server's queues,
// counted as they arrive at the local receiver. Latency of a delivery = the time its webhook's body has fully arrived
// at the receiver minus the time its notification's POST was due to start (the send time), both taken in this
// process on one monotonic clock.
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { ACCOUNT_ID, NOTIFICATION_TYPE, notificationBody } from "./herald-api";
import type { Receiver } from "./receiver";
import { type Percentiles, percentiles, sleep } from "./stats";

/** A send with no answer after this long is abandoned and counted as failed (status 0), never left out. */
export const SEND_TIMEOUT_MS = 30_000;

/** Sends notifications over a pool of keep-alive connections. */
export class Sender {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly url: URL;

  constructor(
    baseUrl: string,
    private readonly token: string,
    /** The notification type of every send. */
    readonly type = NOTIFICATION_TYPE,
  ) {
    this.url = new URL(`/herald/v2/${ACCOUNT_ID}/notifications`, baseUrl);
  }

  /** POSTs one notification; resolves with the answer's status, 0 for a network error or no answer in time. */
  send(benchId: string): Promise<number> {
    const body = JSON.stringify(notificationBody(benchId, this.type));
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
      call.setTimeout(SEND_TIMEOUT_MS, () => call.destroy(new Error("no answer in time")));
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
  private readonly waiting = new Map<string, Waiting>();
  /** Notifications whose send failed: their legs are still owed (a send may fail after the server committed it). */
  private readonly failed = new Map<string, Waiting>();
  private readonly outstanding = new Set<Promise<number>>();
  readonly latencies: number[] = [];
  /** Deliveries of this phase's notifications: a backlog left by an earlier phase does not count. */
  arrivals = 0;
  completed = 0;
  failedSends = 0;
  readonly failedSendStatuses: Record<string, number> = {};
  onComplete: (() => void) | undefined;

  constructor(
    receiver: Receiver,
    private readonly destinations: number,
  ) {
    receiver.onDelivery((benchId, arrivedAt) => this.arrived(benchId, arrivedAt));
  }

  /** Sends one notification through `sender`, tracked from `sentAt`; `retry` runs after a failed send. */
  send(sender: Sender, benchId: string, sentAt: number, measured: boolean, retry?: () => void): void {
    const entry = { sentAt, remaining: this.destinations, measured };
    this.waiting.set(benchId, entry);
    const sending = sender.send(benchId);
    this.outstanding.add(sending);
    void sending.then((status) => {
      this.outstanding.delete(sending);
      if (status === 202) return;
      this.failedSends += 1;
      this.failedSendStatuses[status] = (this.failedSendStatuses[status] ?? 0) + 1;
      // Not waited for by drained(), still counted by missing() until its legs arrive.
      if (this.waiting.delete(benchId)) this.failed.set(benchId, entry);
      retry?.();
    });
  }

  /** Sends not answered yet. */
  get unanswered(): number {
    return this.outstanding.size;
  }

  /** Legs still expected, of failed sends too. */
  missing(): number {
    let legs = 0;
    for (const entry of [...this.waiting.values(), ...this.failed.values()]) legs += entry.remaining;
    return legs;
  }

  /** Waits for every delivery (or `timeoutMs`), then for every send's answer (each gives up after SEND_TIMEOUT_MS). */
  async drained(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while ((this.waiting.size > 0 || this.outstanding.size > 0) && performance.now() < deadline) await sleep(50);
    await Promise.all([...this.outstanding]);
  }

  /**
   * Latency of every delivery of a measured notification; one never delivered counts as delivered now (a lower
   * bound), so missing deliveries weigh on the percentiles instead of dropping out of them.
   */
  latencyMs(): Percentiles & { censored: number } {
    const now = performance.now();
    const samples = [...this.latencies];
    let censored = 0;
    for (const entry of [...this.waiting.values(), ...this.failed.values()]) {
      if (!entry.measured) continue;
      for (let leg = 0; leg < entry.remaining; leg++) samples.push(now - entry.sentAt);
      censored += entry.remaining;
    }
    return { ...percentiles(samples), censored };
  }

  private arrived(benchId: string, arrivedAt: number) {
    const waited = this.waiting.get(benchId);
    const entry = waited ?? this.failed.get(benchId);
    if (!entry || entry.remaining === 0) return;
    this.arrivals += 1;
    if (entry.measured) this.latencies.push(arrivedAt - entry.sentAt);
    entry.remaining -= 1;
    if (entry.remaining > 0) return;
    this.waiting.delete(benchId);
    this.failed.delete(benchId);
    this.completed += 1;
    // A failed send was already replaced when it failed.
    if (waited) this.onComplete?.();
  }
}

interface Waiting {
  sentAt: number;
  remaining: number;
  measured: boolean;
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
  /**
   * Send-to-delivered latency of the deliveries of notifications sent in the measured window; `censored` deliveries
   * never arrived and count with the time they had waited when the drain grace ran out.
   */
  latencyMs: Percentiles & { censored: number };
  /** Sends that did not answer 202, counted after every send has answered or given up. */
  failedSends: number;
  /** Those sends by the status they answered (0: no answer, a network error), to tell overload from a bug. */
  failedSendStatuses: Record<string, number>;
  /** Sends still unanswered when the measured window closed. */
  unansweredAtClose: number;
  /** Legs of this phase's notifications (failed sends' too) that had not arrived when the drain grace ran out. */
  missingDeliveries: number;
  duplicates: number;
  /** Unique webhooks the receiver got from the phase's start to its drain's end, of any notification. */
  webhooksReceived: number;
}

interface Mark {
  at: number;
  /** This phase's deliveries and notifications completed. */
  delivered: number;
  completed: number;
}

function result(
  inFlight: InFlight,
  receiver: Receiver,
  window: { from: Mark; to: Mark },
  unansweredAtClose: number,
): EndToEndResult {
  const seconds = (window.to.at - window.from.at) / 1000;
  return {
    notificationsPerSecond: (window.to.completed - window.from.completed) / seconds,
    deliveriesPerSecond: (window.to.delivered - window.from.delivered) / seconds,
    latencyMs: inFlight.latencyMs(),
    failedSends: inFlight.failedSends,
    failedSendStatuses: { ...inFlight.failedSendStatuses },
    unansweredAtClose,
    missingDeliveries: inFlight.missing(),
    duplicates: receiver.duplicates,
    webhooksReceived: receiver.delivered,
  };
}

const mark = (inFlight: InFlight): Mark => ({
  at: performance.now(),
  delivered: inFlight.arrivals,
  completed: inFlight.completed,
});

/**
 * The maximum: a closed loop that keeps `window` notifications in flight (sent and not yet delivered to every
 * destination), sending the next one as each completes. The receiver's rate over the measured window is what the
 * whole pipeline (ingest, fan-out, delivery) sustains without a backlog growing.
 */
export async function measureMaximum(options: EndToEndOptions & { inFlight: number }): Promise<EndToEndResult> {
  const { sender, receiver } = options;
  receiver.reset();
  const inFlight = new InFlight(receiver, options.destinations);
  let sequence = 0;
  let sending = true;
  let measuring = false;
  const sendOne = () => {
    if (!sending) return;
    // After a failed send, back off a little, so a refusing server does not turn this into a busy loop.
    inFlight.send(sender, `max-${sequence++}`, performance.now(), measuring, () => setTimeout(sendOne, 100));
  };
  inFlight.onComplete = sendOne;
  for (let i = 0; i < options.inFlight; i++) sendOne();

  await sleep(options.warmupSeconds * 1000);
  measuring = true;
  const from = mark(inFlight);
  await sleep(options.seconds * 1000);
  const to = mark(inFlight);
  const unansweredAtClose = inFlight.unanswered;
  sending = false;
  await inFlight.drained(options.drainSeconds * 1000);
  return result(inFlight, receiver, { from, to }, unansweredAtClose);
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
  let from: Mark | undefined;

  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - began;
      if (elapsed >= warmupMs && !from) from = mark(inFlight);
      const due = Math.floor((Math.min(elapsed, totalMs) / 1000) * rate);
      for (; sent < due; sent++) {
        const dueAt = began + (sent / rate) * 1000;
        inFlight.send(sender, `steady-${sent}`, dueAt, dueAt - began >= warmupMs);
      }
      if (elapsed >= totalMs) {
        clearInterval(tick);
        resolve();
      }
    }, 2);
  });
  const to = mark(inFlight);
  const unansweredAtClose = inFlight.unanswered;
  await inFlight.drained(options.drainSeconds * 1000);
  const start = from ?? { at: began, delivered: 0, completed: 0 };
  return result(inFlight, receiver, { from: start, to }, unansweredAtClose);
}

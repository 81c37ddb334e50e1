// Scenario 4, sent_notification: POSTs of notifications, measured by the bench itself rather than autocannon so that
// every request is counted. A request still unanswered when the window closes is waited for (up to SEND_TIMEOUT_MS)
// and its latency sampled; a failed or abandoned send counts as failed, with its status (0: no answer).
import { performance } from "node:perf_hooks";
import { SEND_TIMEOUT_MS, type Sender } from "./e2e";
import { type Percentiles, percentiles, sleep } from "./stats";

export interface IngestResult {
  /** 202 answers received inside the measured window (whenever sent), per second of it. */
  perSecond: number;
  served: number;
  /** Requests of the window that did not answer 202 (after waiting for the late ones). */
  failed: number;
  failedStatuses: Record<string, number>;
  /** Requests of the window still unanswered when it closed (counted, and waited for). */
  unansweredAtClose: number;
  /** Every 202 of the phase, warmup and late answers included: the notifications whose legs are now owed. */
  accepted: number;
  /** Latency of every request of the window, from its start (closed loop) or its due time (open loop). */
  latencyMs: Percentiles;
  seconds: number;
}

interface Sent {
  from: number;
  measured: boolean;
  answeredAt?: number;
  status?: number;
}

class Recorder {
  private readonly sends: Sent[] = [];
  accepted = 0;
  private readonly outstanding = new Set<Promise<void>>();

  constructor(
    private readonly sender: Sender,
    private readonly prefix: string,
  ) {}

  /** Sends one notification; `from` is when its latency starts counting. */
  send(from: number, measured: boolean): Promise<void> {
    const sent: Sent = { from, measured };
    this.sends.push(sent);
    const done = this.sender.send(`${this.prefix}-${this.sends.length}`).then((status) => {
      sent.answeredAt = performance.now();
      sent.status = status;
      if (status === 202) this.accepted += 1;
    });
    this.outstanding.add(done);
    void done.finally(() => this.outstanding.delete(done));
    return done;
  }

  /** Waits for every send still out (each gives up after SEND_TIMEOUT_MS). */
  async settle(): Promise<void> {
    await Promise.all([...this.outstanding]);
  }

  result(window: { from: number; to: number }): IngestResult {
    const failedStatuses: Record<string, number> = {};
    let served = 0;
    let failed = 0;
    let unansweredAtClose = 0;
    const measured = this.sends.filter((sent) => sent.measured);
    for (const sent of this.sends) {
      const answeredInWindow =
        sent.answeredAt !== undefined && sent.answeredAt >= window.from && sent.answeredAt <= window.to;
      if (sent.status === 202 && answeredInWindow) served += 1;
    }
    for (const sent of measured) {
      if (sent.answeredAt === undefined || sent.answeredAt > window.to) unansweredAtClose += 1;
      if (sent.status !== 202) {
        failed += 1;
        const status = String(sent.status ?? 0);
        failedStatuses[status] = (failedStatuses[status] ?? 0) + 1;
      }
    }
    const seconds = (window.to - window.from) / 1000;
    const latencies = measured.map((sent) => (sent.answeredAt ?? window.to + SEND_TIMEOUT_MS) - sent.from);
    return {
      perSecond: served / seconds,
      served,
      failed,
      failedStatuses,
      unansweredAtClose,
      accepted: this.accepted,
      latencyMs: percentiles(latencies),
      seconds,
    };
  }
}

/** Closed loop: `connections` senders, each sending its next notification when the previous one is answered. */
export async function measureIngest(
  sender: Sender,
  options: { connections: number; warmupSeconds: number; seconds: number },
): Promise<IngestResult> {
  const recorder = new Recorder(sender, "ingest");
  let measuring = false;
  let sending = true;
  const loop = async () => {
    while (sending) await recorder.send(performance.now(), measuring);
  };
  const loops = Array.from({ length: options.connections }, loop);
  await sleep(options.warmupSeconds * 1000);
  measuring = true;
  const from = performance.now();
  await sleep(options.seconds * 1000);
  sending = false;
  const to = performance.now();
  await Promise.all(loops);
  return recorder.result({ from, to });
}

/**
 * Open loop at `rate` sends per second: each send is due at a fixed time whatever the server answers, and its latency
 * counts from that due time, so a server falling behind shows in the latency instead of slowing the sender down.
 */
export async function measureIngestOpenLoop(
  sender: Sender,
  options: { rate: number; warmupSeconds: number; seconds: number },
): Promise<IngestResult> {
  const recorder = new Recorder(sender, "ingest-open");
  const began = performance.now();
  const warmupMs = options.warmupSeconds * 1000;
  const totalMs = warmupMs + options.seconds * 1000;
  let due = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - began;
      for (const count = Math.floor((Math.min(elapsed, totalMs) / 1000) * options.rate); due < count; due++) {
        const dueAt = (due / options.rate) * 1000;
        void recorder.send(began + dueAt, dueAt >= warmupMs);
      }
      if (elapsed >= totalMs) {
        clearInterval(tick);
        resolve();
      }
    }, 2);
  });
  const to = performance.now();
  await recorder.settle();
  return recorder.result({ from: began + warmupMs, to });
}

// Fault injection on Herald's side for the soak test (soak.test.ts): queue producers whose sends fail after the
// caller's commit or go out twice, database records that fail before or after committing, and consumers that die in
// the middle of a batch and note every webhook call they make. Test code only: it reaches the runtime through
// startNodeRuntime's wrapProducer, wrapConsumer and wrapDbClient options. The targets' faults are in soak-targets.ts.
import type { Client, InStatement, TransactionMode } from "@libsql/client";
import type { consumeQueue } from "../../../src/consumers";
import { webhookIdFor } from "../../../src/delivery/signing";
import type { Env } from "../../../src/env";
import { CALL_ID_HEADER } from "./soak-targets";

export interface ProducerFaults {
  armed: boolean;
  /** Sends that failed, per queue. */
  failed: Record<string, number>;
  /** Sends that went out twice, per queue. */
  duplicated: Record<string, number>;
  sent: Record<string, number>;
}

/** Longest wait before a duplicated send's second copy: past the local queues' batch timeout, so copies can split. */
const MAX_DUPLICATE_LAG_MS = 50;

/**
 * Producers that, once armed, fail a share of sends (send or sendBatch) before anything is queued, as a queue outage
 * does to a caller that has already committed its rows; and send a share of the others twice, the copy a moment
 * later, as an at-least-once queue may: the copies then sit in different batches that consumers hold at once.
 */
export function failingProducers(random: () => number, rates: { failure: number; duplicate: number }) {
  const stats: ProducerFaults = { armed: false, failed: {}, duplicated: {}, sent: {} };
  const bump = (counts: Record<string, number>, queue: string) => {
    counts[queue] = (counts[queue] ?? 0) + 1;
  };
  const fails = (queue: string) => {
    bump(stats.sent, queue);
    if (!stats.armed || random() >= rates.failure) return false;
    bump(stats.failed, queue);
    return true;
  };
  /** Sends once, and for a share of sends once more after a short lag. */
  const sendMaybeTwice = async <T>(queue: string, send: () => Promise<T>): Promise<T> => {
    const sent = await send();
    if (stats.armed && random() < rates.duplicate) {
      bump(stats.duplicated, queue);
      await new Promise((resolve) => setTimeout(resolve, random() * MAX_DUPLICATE_LAG_MS));
      await send();
    }
    return sent;
  };
  const wrap = (queue: string, producer: Queue<unknown>): Queue<unknown> => ({
    metrics: () => producer.metrics(),
    async send(body, options) {
      if (fails(queue)) throw new Error(`injected fault: sending to ${queue} failed`);
      return sendMaybeTwice(queue, () => producer.send(body, options));
    },
    async sendBatch(messages, options) {
      if (fails(queue)) throw new Error(`injected fault: sending a batch to ${queue} failed`);
      const copies = [...messages];
      return sendMaybeTwice(queue, () => producer.sendBatch(copies, options));
    },
  });
  return { stats, wrap };
}

/** A webhook call as a consumer made it; the receiver's record of it carries the same `callId`. */
export interface SentCall {
  callId: string;
  webhookId: string;
  /**
   * When the consumer began handling the queue message this call serves (read its body). It claimed the leg and read
   * the integration after that, so a call whose handling began after a change was committed saw the change.
   */
  handlingStartedAt: number;
  issuedAt: number;
  /** The answer's status, when one reached the consumer. */
  status?: number;
  /** The consumer read the answer to its end: Herald had it to record. */
  taken: boolean;
  /** Herald's own timer (WEBHOOK_TIMEOUT_MS) fired before it had read the answer: it records a timeout. */
  timedOut: boolean;
  /** The answer (or the error) came back to an invocation that had died: Herald never learnt of it. */
  lostInCrash: boolean;
  /** Herald took the answer, and the database refused the batch's record of it (failingRecords): nothing stood. */
  recordLost?: boolean;
}

export interface RecordFaults {
  armed: boolean;
  /** Records of a batch's attempts that failed before committing (nothing written). */
  failedBefore: number;
  /** Records that committed, and whose answer the consumer never got (the connection died after the commit). */
  failedAfter: number;
}

/**
 * A database that, for a share of the delivery consumers' records of a batch's attempts (the round trip that inserts
 * delivery_attempts) once armed, fails in the middle: half before the transaction commits (nothing of it stands, and
 * the legs stay claimed until their lease runs out) and half after (it stands, and the consumer sees an error).
 * `onLost` learns the legs whose record failed before committing: the target had their calls all the same.
 */
export function failingRecords(random: () => number, failureRate: number, onLost: (deliveryIds: string[]) => void) {
  const stats: RecordFaults = { armed: false, failedBefore: 0, failedAfter: 0 };
  const recordOf = (statements: InStatement[]): string[] | undefined => {
    for (const statement of statements) {
      const sql = typeof statement === "string" ? statement : statement.sql;
      if (!/^\s*INSERT INTO delivery_attempts/i.test(sql) || typeof statement === "string") continue;
      const args = Array.isArray(statement.args) ? statement.args : Object.values(statement.args ?? {});
      const json = args.find((arg): arg is string => typeof arg === "string" && arg.startsWith('[{"deliveryId"'));
      return json ? (JSON.parse(json) as Array<{ deliveryId: string }>).map((record) => record.deliveryId) : [];
    }
    return undefined;
  };
  const wrap = (client: Client): Client =>
    new Proxy(client, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property !== "batch") return typeof value === "function" ? value.bind(target) : value;
        return async (statements: InStatement[], mode?: TransactionMode) => {
          const legs = stats.armed ? recordOf(statements) : undefined;
          if (!legs || random() >= failureRate) return target.batch(statements, mode);
          if (random() < 0.5) {
            stats.failedBefore += 1;
            onLost(legs);
            throw new Error("injected fault: the database failed the record before committing");
          }
          await target.batch(statements, mode);
          stats.failedAfter += 1;
          throw new Error("injected fault: the database connection died after the record committed");
        };
      },
    });
  return { stats, wrap };
}

export interface ConsumerCrashes {
  armed: boolean;
  crashes: Record<string, number>;
  batches: Record<string, number>;
  messages: Record<string, number>;
  /** Messages handed to a batch while another batch being handled held a copy of the same message, per queue. */
  overlapping: Record<string, number>;
  /** Every webhook call the consumers made, in the order they made them. */
  calls: SentCall[];
  /** When each leg's queue messages were settled (acked or retried, the handler done with them), by delivery id. */
  legSettledAt: Map<string, number[]>;
  /** Sends of deliveries that a dying fan-out invocation never made. */
  enqueuesLost: number;
}

const never = () => new Promise<never>(() => {});

/**
 * Batch handlers that note every webhook call they make (tagged with CALL_ID_HEADER) and, for a share of each queue's
 * batches once armed (up to `maxCrashesPerQueue` each), die mid-batch as an isolate does (a crash, out of memory,
 * eviction): at its (k+1)-th outbound effect, the invocation stops, and nothing of it reaches the queue, the targets
 * or the database afterwards, except writes already under way. The queue redelivers the messages it had not
 * acknowledged.
 *
 * - Deliveries: the effect is a target's answer. That answer and any other in flight reached the receiver but are
 *   never recorded (their calls are marked `lostInCrash`), and their legs stay claimed until the lease runs out.
 * - Fan-out: the effect is queueing a notification's legs, after they were written.
 */
export function crashingConsumers(
  random: () => number,
  crashRates: Record<string, number>,
  maxCrashesPerQueue: number,
) {
  const stats: ConsumerCrashes = {
    armed: false,
    crashes: {},
    batches: {},
    messages: {},
    overlapping: {},
    calls: [],
    legSettledAt: new Map(),
    enqueuesLost: 0,
  };
  // Copies of each message (by body) in the batches being handled now.
  const held = new Map<string, number>();

  const wrap =
    (queue: string, consume: typeof consumeQueue): typeof consumeQueue =>
    async (batch, env) => {
      stats.batches[queue] = (stats.batches[queue] ?? 0) + 1;
      stats.messages[queue] = (stats.messages[queue] ?? 0) + batch.messages.length;
      const keys = [...new Set(batch.messages.map((message) => `${queue} ${JSON.stringify(message.body)}`))];
      for (const key of keys) {
        if ((held.get(key) ?? 0) > 0) stats.overlapping[queue] = (stats.overlapping[queue] ?? 0) + 1;
        held.set(key, (held.get(key) ?? 0) + 1);
      }
      try {
        const crashes = stats.crashes[queue] ?? 0;
        const crash = stats.armed && crashes < maxCrashesPerQueue && random() < (crashRates[queue] ?? 0);
        const effectsBeforeDeath = crash ? Math.floor(random() * Math.min(batch.messages.length, 3)) : Infinity;
        if (await runBatch(batch, env, consume, effectsBeforeDeath, stats)) {
          stats.crashes[queue] = crashes + 1;
          throw new Error(`injected fault: the ${queue} consumer died mid-batch`);
        }
      } finally {
        for (const key of keys) held.set(key, (held.get(key) ?? 1) - 1);
      }
    };
  return { stats, wrap };
}

/** The legs a queue message is about, if it is a delivery message (one leg in v1, several in v2). */
function deliveryIdsOf(body: unknown): string[] {
  const message = body as { delivery_id?: unknown; delivery_ids?: unknown } | null;
  if (typeof message?.delivery_id === "string") return [message.delivery_id];
  return Array.isArray(message?.delivery_ids) ? message.delivery_ids.filter((id) => typeof id === "string") : [];
}

/**
 * Runs one batch, noting its webhook calls and settled legs; answers whether the invocation died (at its
 * (effectsBeforeDeath+1)-th effect) before it finished.
 */
async function runBatch(
  batch: MessageBatch<unknown>,
  env: Env,
  consume: typeof consumeQueue,
  effectsBeforeDeath: number,
  stats: ConsumerCrashes,
): Promise<boolean> {
  let dead = false;
  let effects = 0;
  let died: () => void = () => {};
  const death = new Promise<"died">((resolve) => {
    died = () => resolve("died");
  });
  /** Counts an effect; answers whether the invocation is dead from it on. */
  const effect = () => {
    effects += 1;
    if (!dead && effects > effectsBeforeDeath) {
      dead = true;
      died();
    }
    return dead;
  };
  // By webhook id: when this batch began handling a message for that leg (its first copy here, if several).
  const handlingStartedAt = new Map<string, number>();
  // The delivery consumer records a batch's answers together, once every call has answered: an invocation that dies
  // during the calls has recorded none of the answers it took, so each of its calls was hidden by the crash.
  const made: SentCall[] = [];

  const targetFetch = env.TARGET_FETCHER
    ? (url: string, init: RequestInit) => (env.TARGET_FETCHER as NonNullable<Env["TARGET_FETCHER"]>).fetch(url, init)
    : (url: string, init: RequestInit) => fetch(url, init);
  const delivery = env.DELIVERY_QUEUE;
  const dying: Env = {
    ...env,
    TARGET_FETCHER: {
      async fetch(url, init) {
        if (dead) return never();
        const headers = new Headers(init?.headers);
        const webhookId = headers.get("webhook-id") ?? "";
        const issuedAt = Date.now();
        const call: SentCall = {
          callId: String(stats.calls.length + 1),
          webhookId,
          // Every call serves a message of this batch; the fallback (the issue time) only makes the checks stricter.
          handlingStartedAt: handlingStartedAt.get(webhookId) ?? issuedAt,
          issuedAt,
          taken: false,
          timedOut: false,
          lostInCrash: false,
        };
        stats.calls.push(call);
        made.push(call);
        init?.signal?.addEventListener("abort", () => {
          if (!call.taken) call.timedOut = true;
        });
        headers.set(CALL_ID_HEADER, call.callId);
        let response: Response;
        try {
          response = await targetFetch(url, { ...init, headers });
        } catch (error) {
          if (dead) {
            call.lostInCrash = true;
            return never();
          }
          throw error;
        }
        call.status = response.status;
        if (!effect()) return observeBody(response, () => (call.taken = true));
        // The answer came back and the invocation died before recording it, or any other answer of its batch: release
        // the connection, then nothing.
        for (const lost of made) lost.lostInCrash = true;
        await response.arrayBuffer().catch(() => {});
        return never();
      },
    },
    DELIVERY_QUEUE: {
      metrics: () => delivery.metrics(),
      send: (body, options) => (dead ? never() : delivery.send(body, options)),
      sendBatch(messages, options) {
        if (dead || effect()) {
          stats.enqueuesLost += 1;
          return never();
        }
        return delivery.sendBatch(messages, options);
      },
    },
  };
  const settled = (body: unknown) => {
    for (const id of deliveryIdsOf(body)) {
      const times = stats.legSettledAt.get(id) ?? [];
      times.push(Date.now());
      stats.legSettledAt.set(id, times);
    }
  };
  // After death the messages no longer exist for this invocation: its acks and retries are lost, and reading the next
  // message throws, so the dead handler starts nothing new. Settling is noted either way: the handler was done.
  const messages = batch.messages.map(
    (message): Message<unknown> => ({
      id: message.id,
      timestamp: message.timestamp,
      attempts: message.attempts,
      get body() {
        if (dead) throw new Error("the invocation is dead");
        for (const id of deliveryIdsOf(message.body)) {
          if (!handlingStartedAt.has(webhookIdFor(id))) handlingStartedAt.set(webhookIdFor(id), Date.now());
        }
        return message.body;
      },
      ack: () => {
        settled(message.body);
        if (!dead) message.ack();
      },
      retry: (options) => {
        settled(message.body);
        if (!dead) message.retry(options);
      },
    }),
  );
  const gated: MessageBatch<unknown> = {
    queue: batch.queue,
    metadata: batch.metadata,
    messages,
    ackAll: () => {
      for (const message of messages) message.ack();
    },
    retryAll: (options) => {
      for (const message of messages) message.retry(options);
    },
  };
  return (await Promise.race([consume(gated, dying).then(() => "finished" as const), death])) === "died";
}

/** The same answer, noting when its body has been read to the end. */
function observeBody(response: Response, onEnd: () => void): Response {
  if (!response.body) {
    onEnd();
    return response;
  }
  const body = response.body.pipeThrough(new TransformStream({ flush: onEnd }));
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

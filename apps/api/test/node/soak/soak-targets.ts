// The soak's targets (soak.test.ts): one webhook receiver standing for every target, answering with seeded random
// faults, run in a process of its own (soak-receiver.ts); and the seeded randomness every injected fault draws from.
import { fork } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

/** A number in [0, 1) determined by the seed and a key: the same key draws the same number in every run. */
export function seededRandom(seed: number, key: string): number {
  // cyrb53-style mixing of the key, then one round of mulberry32.
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  let t = (Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)) + 0x6d2b79f5;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A seeded stream, for decisions that depend on the order things happen in (batches, sends). */
export function seededStream(seed: number, name: string): () => number {
  let n = 0;
  return () => seededRandom(seed, `${name}#${n++}`);
}

export const FAULT_KINDS = [
  "ok",
  "error_500",
  "throttle_429",
  "slow",
  "reset",
  "reset_after_accept",
  "gone_410",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

// The faults a healthy target answers with, equally often. A reset drops the connection before any answer: `reset`
// before the receiver took the event in, `reset_after_accept` after.
const RANDOM_FAULTS: FaultKind[] = ["error_500", "throttle_429", "slow", "reset", "reset_after_accept"];

/** The header the consumers tag each webhook call with, so the receiver's record of a call meets the consumer's. */
export const CALL_ID_HEADER = "x-soak-call";

export interface ReceivedCall {
  /** The consumer's tag (CALL_ID_HEADER); empty when the call came from elsewhere. */
  callId: string;
  webhookId: string;
  target: string;
  kind: FaultKind;
  startedAt: number;
  /** The receiver took the event in (read the body and went on to process it), whatever Herald then saw. */
  accepted: boolean;
  /** It answered 2xx on a connection still open: right away, or late (`slow`) to a Herald whose timer had not fired. */
  answered2xx: boolean;
}

export interface FaultReceiverOptions {
  seed: number;
  /** Share of calls answered with a fault instead of 200. */
  faultRate: number;
  /** How long a slow answer takes: past Herald's WEBHOOK_TIMEOUT_MS. */
  slowMs: number;
  /** The target that answers 410 from its `goneAfterCalls`-th call on. */
  goneTarget: string;
  goneAfterCalls: number;
}

export interface FaultReceiver {
  /** The URL of a target: `${url}/${name}`. */
  url: string;
  calls(): Promise<ReceivedCall[]>;
  close(): Promise<void>;
}

/**
 * The fault receiver in a process of its own (soak-receiver.ts), as a real target is: it notes when each call
 * arrives even while the runtime's event loop is busy, so "a call after the leg was recorded delivered" means one.
 */
export async function forkFaultReceiver(options: FaultReceiverOptions): Promise<FaultReceiver> {
  const child = fork(fileURLToPath(new URL("./soak-receiver.ts", import.meta.url)), [JSON.stringify(options)], {
    execArgv: ["--import", "tsx"],
    // tsx resolves from the working directory: this package's.
    cwd: fileURLToPath(new URL("../../..", import.meta.url)),
  });
  const exited = once(child, "exit");
  const next = async <T>(): Promise<T> => {
    const [message] = await Promise.race([
      once(child, "message"),
      exited.then(() => {
        throw new Error("the fault receiver exited");
      }),
    ]);
    return message as T;
  };
  const { url } = await next<{ url: string }>();
  return {
    url,
    async calls() {
      child.send("calls");
      return next<ReceivedCall[]>();
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.send("close");
        await exited;
      }
    },
  };
}

/** One loopback HTTP server standing for every target (`/<target name>`), answering with seeded faults. */
export async function startFaultReceiver(
  options: FaultReceiverOptions,
): Promise<{ url: string; calls: ReceivedCall[]; close(): Promise<void> }> {
  const calls: ReceivedCall[] = [];
  const callsPerEvent = new Map<string, number>();
  const callsPerTarget = new Map<string, number>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  // Faults are drawn per (target, notification, call number), not per leg id: leg ids are random, the soak's
  // notification numbers (`notification_data.n`) are not, so a seed replays the same faults.
  const chooseKind = (target: string, event: string): FaultKind => {
    const targetCalls = callsPerTarget.get(target) ?? 0;
    callsPerTarget.set(target, targetCalls + 1);
    const eventCalls = callsPerEvent.get(event) ?? 0;
    callsPerEvent.set(event, eventCalls + 1);
    if (target === options.goneTarget && targetCalls >= options.goneAfterCalls) return "gone_410";
    const u = seededRandom(options.seed, `${event}#${eventCalls}`);
    if (u >= options.faultRate) return "ok";
    return RANDOM_FAULTS[Math.floor((u / options.faultRate) * RANDOM_FAULTS.length)] as FaultKind;
  };

  const server: Server = createServer(async (request, response) => {
    const startedAt = Date.now();
    const target = (request.url ?? "/").slice(1);
    const webhookId = String(request.headers["webhook-id"] ?? "");
    const callId = String(request.headers[CALL_ID_HEADER] ?? "");
    response.on("error", () => {});
    let body = "";
    try {
      for await (const chunk of request) body += chunk;
    } catch {
      return;
    }
    const kind = chooseKind(target, `${target}:${notificationNumber(body) ?? webhookId}`);
    const call: ReceivedCall = { callId, webhookId, target, kind, startedAt, accepted: false, answered2xx: false };
    calls.push(call);
    switch (kind) {
      case "reset":
        request.socket.destroy();
        return;
      case "reset_after_accept":
        // The event got in, then the connection died before an answer: Herald retries, the receiver dedupes.
        call.accepted = true;
        request.socket.destroy();
        return;
      case "slow": {
        call.accepted = true;
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (response.destroyed) return;
          call.answered2xx = true;
          response.writeHead(200).end("ok, but late");
        }, options.slowMs);
        timers.add(timer);
        return;
      }
      case "error_500":
        response.writeHead(500).end("injected failure");
        return;
      case "throttle_429":
        response.writeHead(429, { "retry-after": "1" }).end("slow down");
        return;
      case "gone_410":
        response.writeHead(410).end("gone");
        return;
      default:
        call.accepted = true;
        call.answered2xx = true;
        response.writeHead(200).end("ok");
    }
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function notificationNumber(body: string): number | undefined {
  try {
    const n = (JSON.parse(body) as { notification_data?: { n?: unknown } }).notification_data?.n;
    return typeof n === "number" ? n : undefined;
  } catch {
    return undefined;
  }
}

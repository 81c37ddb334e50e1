// A scripted webhook receiver, whatever carries its requests: the hooks.test fake behind miniflare (fakes.node.ts)
// and a real node:http server for the Node runtime (receiver.node.ts) both answer from here, so a scenario's steps
// mean the same on either runtime.

export interface Step {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (to exceed Herald's webhook timeout). */
  delayMs?: number;
  /** Close the connection without answering. */
  drop?: boolean;
}

export interface ReceivedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export type Answer =
  | { drop: true }
  | { drop: false; status: number; body: string | null; headers: Record<string, string> | undefined };

/** Buckets of steps: each bucket answers its calls with its steps in turn, the last one repeating (default 200 "ok"). */
export class ScriptedBuckets {
  private readonly scripts = new Map<string, Step[]>();
  private readonly received = new Map<string, ReceivedCall[]>();

  script(bucket: string, steps: Step[]): void {
    this.scripts.set(bucket, steps);
  }

  calls(bucket: string): ReceivedCall[] {
    return this.received.get(bucket) ?? [];
  }

  /** Records a call to the bucket and answers it with the next step, after the step's delay. */
  async answer(bucket: string, call: ReceivedCall): Promise<Answer> {
    const calls = this.received.get(bucket) ?? [];
    calls.push(call);
    this.received.set(bucket, calls);
    const steps = this.scripts.get(bucket) ?? [];
    const step = steps[Math.min(calls.length - 1, steps.length - 1)] ?? {};
    if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
    if (step.drop) return { drop: true };
    const status = step.status ?? 200;
    const empty = status === 204 || status === 205 || status === 304;
    return { drop: false, status, body: empty ? null : (step.body ?? "ok"), headers: step.headers };
  }
}

/**
 * miniflare's outbound service must answer with a response, so the hooks.test fake cannot drop a connection: it answers
 * a drop step with this header instead, and the workerd harness turns that answer into the error workerd's fetch
 * raises for a lost connection (see delivery-helpers.ts).
 */
export const DROPPED_CONNECTION_HEADER = "x-fake-dropped-connection";

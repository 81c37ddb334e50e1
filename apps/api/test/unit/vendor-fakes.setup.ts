import { classifyChannelAnswer } from "../../src/delivery/channels/outcomes";
import type { VendorCall, VendorStep } from "../fakes/vendor-kit";
import { createVendorFakes } from "../fakes/vendors";

// The shared set-up of the vendor-fakes.*.test.ts files: the vendor fakes, called directly (one fresh set per test,
// on a clock the test moves), so each documented answer and each rate limit is checked without waiting.
// channels.test.ts reaches them through miniflare's outboundService, as the Worker's calls do.

const START_MS = Date.UTC(2026, 11, 2, 12, 0, 0);

export function vendors() {
  let nowMs = START_MS;
  const fakes = createVendorFakes({ now: () => nowMs });
  const call = async (url: string, init: RequestInit = {}) => {
    const answer = await fakes.fetch(new Request(url, init));
    if (!answer) throw new Error(`no fake for ${url}`);
    return answer;
  };
  const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    call(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const script = (host: string, key: string, steps: VendorStep[]) =>
    postJson(`https://${host}/__script/${encodeURIComponent(key)}`, steps);
  const requests = async (host: string, key: string) =>
    (await (await call(`https://${host}/__requests/${encodeURIComponent(key)}`)).json()) as VendorCall[];
  return { fakes, call, postJson, script, requests, advance: (ms: number) => (nowMs += ms), now: () => nowMs };
}

export async function classified(type: Parameters<typeof classifyChannelAnswer>[0], answer: Response, nowMs: number) {
  return classifyChannelAnswer(
    type,
    { status: answer.status, headers: answer.headers, body: await answer.text() },
    nowMs,
  );
}

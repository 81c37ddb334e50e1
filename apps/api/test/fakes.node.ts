// Runs in Node (from vitest.config.ts). Faithful fakes at the HTTP boundary for what cannot run here: webhook
// receivers on the public internet (hooks.test) and Resend's e-mail API (resend.test). Every fetch the Worker or a
// test makes to these hosts lands here through miniflare's outboundService. One set per test file, so files can run
// side by side without reading each other's calls.
//
// hooks.test
//   POST /__script/<bucket>    body: Step[]; later calls to https://hooks.test/<bucket>... answer the steps in turn,
//                              the last one repeating. Default: 200 "ok".
//   GET  /__requests/<bucket>  every request received for the bucket: {method, path, headers, body, at}
//   any  /<bucket>[/...]       a webhook call: recorded, then answered by the next step (scenarios/scripted-receiver.ts);
//                              a drop step answers with DROPPED_CONNECTION_HEADER, for the workerd harness to act on
// resend.test
//   POST /emails               Resend's send API: recorded, answers {id}; a recipient "status-<code>@..." answers <code>
//   GET  /__sent               every e-mail received
// hooks.slack.com, *.logic.azure.com, discord.com, events.pagerduty.com, splunk.test (and the other vendor hosts)
//                              the alert-channel vendors (fakes/vendors.ts), scripted and read through
//                              /__script/<key> and /__requests/<key> on each host (fakes/vendor-kit.ts)
import { createVendorFakes } from "./fakes/vendors";
import {
  DROPPED_CONNECTION_HEADER,
  type ReceivedCall,
  ScriptedBuckets,
  type Step,
} from "./scenarios/scripted-receiver";

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

async function record(request: Request, url: URL): Promise<ReceivedCall> {
  return {
    method: request.method,
    path: url.pathname + url.search,
    headers: Object.fromEntries(request.headers),
    body: request.method === "GET" || request.method === "HEAD" ? "" : await request.text(),
    at: Date.now(),
  };
}

/** The fake internet of one test file: its receivers, vendors and sent e-mails. */
export function createFakeInternet(): (request: Request) => Promise<Response | undefined> {
  const buckets = new ScriptedBuckets();
  const vendors = createVendorFakes();
  const sentEmails: Array<ReceivedCall & { id: string }> = [];

  async function hooks(request: Request, url: URL): Promise<Response> {
    const [, first, second] = url.pathname.split("/");
    if (first === "__script" && second) {
      buckets.script(second, (await request.json()) as Step[]);
      return json({ ok: true });
    }
    if (first === "__requests" && second) return json(buckets.calls(second));
    const answer = await buckets.answer(first ?? "", await record(request, url));
    if (answer.drop) return new Response(null, { status: 502, headers: { [DROPPED_CONNECTION_HEADER]: "1" } });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  }

  async function resend(request: Request, url: URL): Promise<Response> {
    if (url.pathname === "/__sent") return json(sentEmails);
    if (url.pathname !== "/emails" || request.method !== "POST") return json({ message: "not found" }, 404);
    if (request.headers.get("authorization") !== "Bearer re_test_key") {
      return json({ statusCode: 401, name: "missing_api_key", message: "Missing API key" }, 401);
    }
    const call = await record(request, url);
    const email = JSON.parse(call.body) as { to: string[] };
    const forced = /^status-(\d{3})@/.exec(email.to[0] ?? "");
    if (forced?.[1])
      return json({ statusCode: Number(forced[1]), name: "forced", message: "forced by the test" }, Number(forced[1]));
    const id = crypto.randomUUID();
    sentEmails.push({ ...call, id });
    return json({ id });
  }

  /** Answers requests for the fake hosts; undefined for any other host. */
  async function fakeInternet(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url);
    if (url.hostname === "hooks.test") return hooks(request, url);
    if (url.hostname === "resend.test") return resend(request, url);
    return vendors.fetch(request);
  }

  return fakeInternet;
}

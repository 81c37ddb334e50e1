// A scripted fetch: answers each request with the next step (a Response, or an error to throw) and records them.
export type FakeStep = Response | Error | ((request: Request) => Response | Promise<Response>);

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export function fakeFetch(steps: FakeStep[]) {
  const requests: RecordedRequest[] = [];
  let next = 0;
  const fetch = async (request: Request): Promise<Response> => {
    requests.push({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body: request.body ? await request.text() : "",
    });
    const step = steps[Math.min(next, steps.length - 1)];
    next += 1;
    if (step === undefined) throw new Error("fakeFetch has no steps");
    if (step instanceof Error) throw step;
    return typeof step === "function" ? step(request) : step.clone();
  };
  return { fetch, requests };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export const login = (token: string, expiresAtSeconds: number, accountId = "12345678") =>
  json({
    authentication: {
      token,
      token_expiration: expiresAtSeconds,
      account: { id: accountId, name: "Acme" },
      user: { id: "U1", name: "Ada" },
    },
  });

import { createHeraldClient, type HeraldClient } from "@herald/client";
import { expect } from "vitest";

// What every test suite shares, whichever runtime Herald runs on: the seeded accounts and keys, unique names, and the
// shape of one HTTP call. Imported by the workerd helpers and by the Node suite alike, so it imports neither
// cloudflare:test nor node:*.

/** The accounts `seedDevData` creates in every test database (see scripts/dev-seed.ts). */
export const ACME = { accountId: "12345678", keyId: "devkey12345678", secret: "devsecret12345678" };
export const GLOBEX = { accountId: "87654321", keyId: "devkey87654321", secret: "devsecret87654321" };
export const PLATFORM = { accountId: "1", keyId: "devkeyadmin", secret: "devsecretadmin" };
/** Extra keys from test/fixtures.node.ts. */
export const ACME_READER = { accountId: "12345678", keyId: "testkey-read-12345678", secret: "testsecret-read" };
export const ACME_WRITER = { accountId: "12345678", keyId: "testkey-write-12345678", secret: "testsecret-write" };
export const HOSTILE = { accountId: "24681357", keyId: "testkey-hostile", secret: "testsecret-hostile" };
export const DORMANT = { accountId: "55555555", keyId: "testkey-inactive", secret: "testsecret-inactive" };

export interface Credentials {
  keyId: string;
  secret: string;
}

export function basicAuth(keyId: string, secret: string): string {
  return `Basic ${btoa(`${keyId}:${secret}`)}`;
}

/** Unique per call, so no test depends on another's rows. */
export function unique(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

export interface CallOptions {
  token?: string | undefined;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface CallResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Sends one request as a client would: JSON in, JSON (or nothing) out. `fetch` reaches Herald on some runtime. */
export async function callWith<T = any>(
  fetch: (url: string, init: RequestInit) => Promise<Response>,
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers["x-aims-auth-token"] = options.token;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text), headers: response.headers };
}

export type Call = <T = any>(method: string, path: string, options?: CallOptions) => Promise<CallResult<T>>;

/** Logs in with an access key (AIMS: HTTP Basic) and answers the token. */
export async function loginThrough(call: Call, who: Credentials): Promise<string> {
  const result = await call("POST", "/aims/v1/authenticate", {
    headers: { authorization: basicAuth(who.keyId, who.secret) },
  });
  expect(result.status).toBe(200);
  return result.body.authentication.token;
}

/**
 * The typed client (`@herald/client`) acting with `who`'s token on its account, through `fetch`: how tests make the
 * calls they expect to succeed, so a change to a request or an answer's shape fails their typecheck. Tests of refusals
 * keep `callWith`, which sends what the types forbid. No retries: a test sees Herald's first answer.
 */
export function heraldThrough(
  fetch: (input: Request, init?: RequestInit) => Promise<Response>,
  baseUrl: string,
  who: { token: string; accountId: string },
): HeraldClient {
  return createHeraldClient({ baseUrl, token: who.token, accountId: who.accountId, fetch, retries: 0 });
}

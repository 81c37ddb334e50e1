import { SELF } from "cloudflare:test";
import { expect } from "vitest";

export const BASE = "https://herald.test";

/** The accounts `seedDevData` creates in every test database (see scripts/dev-seed.ts). */
export const ACME = { accountId: "12345678", keyId: "devkey12345678", secret: "devsecret12345678" };
export const GLOBEX = { accountId: "87654321", keyId: "devkey87654321", secret: "devsecret87654321" };
export const PLATFORM = { accountId: "1", keyId: "devkeyadmin", secret: "devsecretadmin" };
/** Extra keys from test/fixtures.node.ts. */
export const ACME_READER = { accountId: "12345678", keyId: "testkey-read-12345678", secret: "testsecret-read" };
export const ACME_WRITER = { accountId: "12345678", keyId: "testkey-write-12345678", secret: "testsecret-write" };
export const HOSTILE = { accountId: "24681357", keyId: "testkey-hostile", secret: "testsecret-hostile" };
export const DORMANT = { accountId: "55555555", keyId: "testkey-inactive", secret: "testsecret-inactive" };

export function basicAuth(keyId: string, secret: string): string {
  return `Basic ${btoa(`${keyId}:${secret}`)}`;
}

export async function login(who: { keyId: string; secret: string }): Promise<string> {
  const response = await SELF.fetch(`${BASE}/aims/v1/authenticate`, {
    method: "POST",
    headers: { authorization: basicAuth(who.keyId, who.secret) },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { authentication: { token: string } };
  return body.authentication.token;
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

/** One HTTP call to the Worker, as a client would make it; JSON in, JSON (or nothing) out. */
export async function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers["x-aims-auth-token"] = options.token;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await SELF.fetch(`${BASE}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text), headers: response.headers };
}

/** Unique per call, so no test depends on another's rows. */
export function unique(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

export function expectHeraldError(result: CallResult, status: number, error: string) {
  expect(result.status).toBe(status);
  expect(result.body).toMatchObject({ error });
  expect(typeof result.body.request_id).toBe("string");
}

export interface Session {
  token: string;
  userId: string;
  accountId: string;
}

/** Logs in with a key and keeps what the answer says about the caller. */
export async function session(who: { keyId: string; secret: string; accountId: string }): Promise<Session> {
  const result = await call("POST", "/aims/v1/authenticate", {
    headers: { authorization: basicAuth(who.keyId, who.secret) },
  });
  expect(result.status).toBe(200);
  return {
    token: result.body.authentication.token,
    userId: result.body.authentication.user.id,
    accountId: who.accountId,
  };
}

export const UPPERCASE_UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

const ERROR_KEYS = ["error", "details", "path", "request_id", "subscribers_failed", "unprocessed_items"];

/** Herald's error shape exactly: the code, optionally `details`/`path`, the request id, and nothing internal. */
export function expectError(
  result: CallResult,
  status: number,
  error: string,
  fields: { details?: unknown; path?: unknown } = {},
) {
  expectHeraldError(result, status, error);
  for (const key of Object.keys(result.body)) expect(ERROR_KEYS).toContain(key);
  expect(result.body.request_id).toBe(result.headers.get("x-request-id"));
  if ("details" in fields) expect(result.body.details).toEqual(fields.details);
  if ("path" in fields) expect(result.body.path).toEqual(fields.path);
}

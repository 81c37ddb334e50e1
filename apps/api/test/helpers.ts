import { SELF } from "cloudflare:test";
import type { HeraldClient } from "@herald/client";
import { expect } from "vitest";
import {
  basicAuth,
  type CallOptions,
  type CallResult,
  type Credentials,
  callWith,
  heraldThrough,
  loginThrough,
} from "./common";

export {
  ACME,
  ACME_READER,
  ACME_WRITER,
  basicAuth,
  type CallOptions,
  type CallResult,
  DORMANT,
  GLOBEX,
  HOSTILE,
  PLATFORM,
  unique,
} from "./common";

export const BASE = "https://herald.test";

/** One HTTP call to the Worker, as a client would make it; JSON in, JSON (or nothing) out. */
export function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<CallResult<T>> {
  return callWith<T>((url, init) => SELF.fetch(url, init), BASE, method, path, options);
}

/** One call to the Worker whose answer is read as text: nothing assumes it is JSON. */
export async function callText(
  method: string,
  path: string,
  init: { token?: string; body?: string | Uint8Array; headers?: HeadersInit } = {},
) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("x-aims-auth-token", init.token);
  const response = await SELF.fetch(`${BASE}${path}`, { method, headers, body: init.body });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export function login(who: Credentials): Promise<string> {
  return loginThrough(call, who);
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

/** The typed client acting as `s`, calling this file's Worker directly (see `heraldThrough`). */
export function heraldAs(s: Pick<Session, "token" | "accountId">): HeraldClient {
  return heraldThrough((input, init) => SELF.fetch(input, init), BASE, s);
}

/**
 * One call through the typed client as `s`, answered with the status and headers Herald sent alongside the typed
 * body: for the successes whose status (201 against 200, 204) or headers a test asserts. Throws like the client on
 * a refusal.
 */
export async function typedCall<T>(
  s: Pick<Session, "token" | "accountId">,
  act: (herald: HeraldClient) => Promise<T>,
): Promise<{ status: number; body: T; headers: Headers }> {
  let answer: Response | undefined;
  const herald = heraldThrough(
    async (input, init) => {
      answer = await SELF.fetch(input, init);
      return answer;
    },
    BASE,
    s,
  );
  const body = await act(herald);
  if (!answer) throw new Error("typedCall: the client made no call");
  return { status: answer.status, body, headers: answer.headers };
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

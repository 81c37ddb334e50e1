// Every operation of the committed OpenAPI document has a client method that sends exactly that operation's request,
// and every client method is an operation's or one of the few helpers listed here.
import { describe, expect, it } from "vitest";
import document from "../openapi.json";
import { createHeraldClient, OPERATIONS, type OperationName, signWebhook } from "../src/index";
import { fakeFetch, json } from "./fake-fetch";

const BASE = "https://herald.test";
const ACCOUNT = "12345678";
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** Client members that are not an operation's method. */
const HELPERS = ["raw", "getAccountId", "getToken", "sendNotification", "notificationsByType"];

interface DocumentedParameter {
  in: string;
  name: string;
}
interface DocumentedOperation {
  operationId: string;
  deprecated?: boolean;
  "x-herald-client"?: boolean;
  parameters?: DocumentedParameter[];
  requestBody?: unknown;
  security?: Record<string, unknown>[];
}

const everyOperation = Object.entries(document.paths as Record<string, Record<string, DocumentedOperation>>).flatMap(
  ([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
);
// The older paths kept for Alert Logic's console client are documented, deprecated, and left out of the client.
const leftOut = everyOperation.filter(({ operation }) => operation["x-herald-client"] === false);
const documented = everyOperation.filter(({ operation }) => operation["x-herald-client"] !== false);

type Method = (...args: unknown[]) => Promise<unknown>;

/** The arguments a method takes, by the client's convention: path parameters, then body, query and header params. */
async function argumentsFor(id: string, path: string, operation: DocumentedOperation): Promise<unknown[]> {
  if (id === "authenticate") return [{ accessKeyId: "key", secretKey: "secret" }];
  if (id === "acknowledge_webhook") return [{ webhookId: "msg_D1", secret: SECRET }];
  const parameters = operation.parameters ?? [];
  const args: unknown[] = [...path.matchAll(/\{(\w+)\}/g)]
    .map((match) => match[1] ?? "")
    .filter((name) => name !== "account_id")
    .map(sampleValue);
  if (operation.requestBody) args.push({});
  if (parameters.some((parameter) => parameter.in === "query")) args.push({});
  if (parameters.some((parameter) => parameter.in === "header" && parameter.name !== "idempotency-key")) {
    args.push(await signWebhook({ secret: SECRET, id: "msg_D1", body: "{}" }));
  }
  return args;
}

const sampleValue = (name: string) => `value-of-${name}`;

describe("operation methods", () => {
  it("the document has operations to check", () => {
    expect(documented.length).toBeGreaterThanOrEqual(42);
  });

  it("leaves out the deprecated operations marked x-herald-client: false", () => {
    expect(leftOut.map(({ operation }) => operation.operationId).sort()).toEqual([
      "get_sent_incident_notifications_legacy",
      "test_webhook_legacy",
    ]);
    for (const { operation } of leftOut) {
      expect(operation.deprecated).toBe(true);
      expect(OPERATIONS).not.toHaveProperty(operation.operationId);
    }
  });

  it("has a method for every operation in openapi.json", () => {
    const herald = createHeraldClient({ baseUrl: BASE, token: "T", accountId: ACCOUNT });
    const missing = documented
      .map(({ operation }) => operation.operationId)
      .filter((id) => {
        const name = OPERATIONS[id as OperationName]?.methodName;
        return name === undefined || typeof (herald as Record<string, unknown>)[name] !== "function";
      });
    expect(missing).toEqual([]);
  });

  it("has no method that maps to no operation", () => {
    const herald = createHeraldClient({ baseUrl: BASE, token: "T", accountId: ACCOUNT });
    const operationMethods = new Set<string | undefined>(
      documented.map(({ operation }) => OPERATIONS[operation.operationId as OperationName]?.methodName),
    );
    expect(Object.keys(OPERATIONS).sort()).toEqual(documented.map(({ operation }) => operation.operationId).sort());
    expect(Object.keys(herald).filter((name) => !operationMethods.has(name) && !HELPERS.includes(name))).toEqual([]);
  });

  it.each(documented.map(({ path, method, operation }) => [operation.operationId, path, method, operation] as const))(
    "%s sends its documented request",
    async (id, path, method, operation) => {
      const fake = fakeFetch([json({})]);
      const herald = createHeraldClient({ baseUrl: BASE, token: "T", accountId: ACCOUNT, fetch: fake.fetch });
      const name = OPERATIONS[id as OperationName].methodName;
      const call = (herald as unknown as Record<string, Method>)[name];
      await call?.(...(await argumentsFor(id, path, operation)));

      expect(fake.requests).toHaveLength(1);
      const [request] = fake.requests;
      const expectedPath = path.replace(/\{(\w+)\}/g, (_match, param: string) =>
        param === "account_id" ? ACCOUNT : sampleValue(param),
      );
      expect(request?.method).toBe(method.toUpperCase());
      expect(new URL(request?.url ?? "").pathname).toBe(expectedPath);
      const sendsToken = (operation.security ?? []).some((requirement) => "X-AIMS-Auth-Token" in requirement);
      expect(request?.headers["x-aims-auth-token"]).toBe(sendsToken ? "T" : undefined);
    },
  );
});

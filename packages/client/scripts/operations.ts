// Writes src/generated/operations.ts from the OpenAPI document: the table of Herald's operations, and one client
// method per operation whose call needs nothing hand-written.
import type { OpenAPI3, OperationObject, ParameterObject, ReferenceObject } from "openapi-typescript";

/** Operations whose methods are written by hand in src/client.ts: logging in, and signing a read receipt. */
export const HAND_WRITTEN = new Set(["authenticate", "acknowledge_webhook"]);

const METHODS = ["get", "put", "post", "delete", "patch"] as const;
/** An operation with this extension set to false is documented but left out of the client (see clientDocument). */
const CLIENT_EXTENSION = "x-herald-client";
const IDEMPOTENCY_HEADER = "idempotency-key";
const TOKEN_SCHEME = "X-AIMS-Auth-Token";
const ACCOUNT_PARAM = "account_id";

interface Operation {
  id: string;
  summary: string;
  method: Uppercase<(typeof METHODS)[number]>;
  path: string;
  /** In the order of the path template. */
  pathParams: string[];
  accountScoped: boolean;
  sendsToken: boolean;
  idempotent: boolean;
  hasQuery: boolean;
  queryRequired: boolean;
  hasBody: boolean;
  bodyRequired: boolean;
  /** Header parameters the caller gives (the idempotency key comes from the options instead). */
  hasHeaderParams: boolean;
  successStatuses: number[];
  methodName: string;
}

/** `get_account_notification_by_type` → `getAccountNotificationByType`. */
export function methodNameOf(operationId: string): string {
  return operationId.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/**
 * The document the client is generated from: `document` without the operations marked `x-herald-client: false` (the
 * deprecated older paths kept for Alert Logic's console client), so they get neither types nor methods.
 */
export function clientDocument(document: OpenAPI3): OpenAPI3 {
  const paths: NonNullable<OpenAPI3["paths"]> = {};
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const kept = Object.fromEntries(
      Object.entries(item).filter(
        ([key, operation]) =>
          !(METHODS as readonly string[]).includes(key) ||
          (operation as Record<string, unknown>)[CLIENT_EXTENSION] !== false,
      ),
    );
    if (METHODS.some((method) => method in kept)) paths[path] = kept;
  }
  return { ...document, paths };
}

export function operationsOf(document: OpenAPI3): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Record<string, OperationObject | undefined>)[method];
      if (operation) operations.push(describe(document, path, method, operation));
    }
  }
  return operations;
}

function describe(
  document: OpenAPI3,
  path: string,
  method: (typeof METHODS)[number],
  operation: OperationObject,
): Operation {
  if (!operation.operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
  const parameters = (operation.parameters ?? []).map((parameter) => {
    if ("$ref" in parameter) throw new Error(`${operation.operationId}: parameter references are not supported`);
    return parameter as ParameterObject;
  });
  const query = parameters.filter((parameter) => parameter.in === "query");
  const headers = parameters.filter((parameter) => parameter.in === "header");
  const body = operation.requestBody as Exclude<OperationObject["requestBody"], ReferenceObject> | undefined;
  const pathParams = [...path.matchAll(/\{([^{}]+)\}/g)].map((match) => match[1] ?? "");
  const security = operation.security ?? document.security ?? [];
  return {
    id: operation.operationId,
    summary: operation.summary ?? "",
    method: method.toUpperCase() as Operation["method"],
    path,
    pathParams,
    accountScoped: pathParams.includes(ACCOUNT_PARAM),
    sendsToken: security.some((requirement) => TOKEN_SCHEME in requirement),
    idempotent: headers.some((parameter) => parameter.name === IDEMPOTENCY_HEADER),
    hasQuery: query.length > 0,
    queryRequired: query.some((parameter) => parameter.required),
    hasBody: body !== undefined,
    bodyRequired: body?.required === true,
    hasHeaderParams: headers.some((parameter) => parameter.name !== IDEMPOTENCY_HEADER),
    successStatuses: Object.keys(operation.responses ?? {})
      .filter((status) => /^2\d\d$/.test(status))
      .map(Number),
    methodName: methodNameOf(operation.operationId),
  };
}

/** The source of src/generated/operations.ts (unformatted: the generator formats it with Biome). */
export function operationsSource(document: OpenAPI3): string {
  const operations = operationsOf(document);
  const table = operations.map(
    (operation) =>
      `${operation.id}: ${JSON.stringify({
        method: operation.method,
        path: operation.path,
        pathParams: operation.pathParams,
        accountScoped: operation.accountScoped,
        sendsToken: operation.sendsToken,
        idempotent: operation.idempotent,
        successStatuses: operation.successStatuses,
        methodName: operation.methodName,
      })},`,
  );
  const methods = operations.filter((operation) => !HAND_WRITTEN.has(operation.id)).map(methodSource);
  return [
    "// Generated by scripts/generate.ts from openapi.json: do not edit. Run `pnpm --filter @herald/client generate`.",
    'import type { AccountCallOptions, CallOptions, IdempotencyOptions, OperationCall, OperationInfo } from "../operation.js";',
    'import type { HeaderParams, OperationName, OperationResult, PathParams, QueryParams, RequestBody } from "../types.js";',
    "",
    "/** Every Herald operation: how it is called, and the name of the client method that calls it. */",
    `export const OPERATIONS = {${table.join("\n")}} as const satisfies Record<OperationName, OperationInfo>;`,
    "",
    "/** The client's methods for the operations that need nothing written by hand, each named after its operation. */",
    "export function operationMethods(call: OperationCall) {",
    `return {${methods.join("\n\n")}};`,
    "}",
    "",
  ].join("\n");
}

function methodSource(operation: Operation): string {
  const name = JSON.stringify(operation.id);
  const positional = operation.pathParams.filter((param) => param !== ACCOUNT_PARAM);
  const parameters = positional.map(
    (param, index) => `${argumentName(operation.path, param, index)}: PathParams<${name}>[${JSON.stringify(param)}]`,
  );
  const input: string[] = [];
  if (positional.length > 0) {
    const entries = positional.map((param, index) => {
      const argument = argumentName(operation.path, param, index);
      return argument === param ? param : `${param}: ${argument}`;
    });
    input.push(`path: { ${entries.join(", ")} }`);
  }
  if (operation.hasBody) {
    parameters.push(`body${operation.bodyRequired ? "" : "?"}: RequestBody<${name}>`);
    input.push("body");
  }
  if (operation.hasQuery) {
    parameters.push(`query${operation.queryRequired ? "" : "?"}: QueryParams<${name}>`);
    input.push("query");
  }
  if (operation.hasHeaderParams) {
    parameters.push(`header: HeaderParams<${name}>`);
    input.push("header");
  }
  const options = [operation.accountScoped ? "AccountCallOptions" : "CallOptions"];
  if (operation.idempotent) options.push("IdempotencyOptions");
  parameters.push(`options?: ${options.join(" & ")}`);
  const summary = operation.summary ? ` * ${operation.summary.replace(/\*\//g, "*\\/")}.` : undefined;
  return [
    "/**",
    ...(summary ? [summary] : []),
    ` * \`${operation.id}\`: ${operation.method} ${operation.path}`,
    " */",
    `${operation.methodName}: (${parameters.join(", ")}): Promise<OperationResult<${name}>> =>`,
    `call(${name}, { ${input.join(", ")} }, options),`,
  ].join("\n");
}

/**
 * The method's argument for path parameter `param`: camelCase, and a bare `{id}` named after the collection before it
 * (`/integrations/{id}` → `integrationId`).
 */
function argumentName(path: string, param: string, index: number): string {
  if (param !== "id") return methodNameOf(param);
  const segments = path.split("/");
  const collection = segments[segments.indexOf(`{${param}}`) - 1] ?? `param${index}`;
  return `${methodNameOf(collection.replace(/s$/, ""))}Id`;
}

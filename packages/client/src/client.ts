import createClient, { type Client } from "openapi-fetch";
import { HeraldError } from "./errors.js";
import { OPERATIONS, operationMethods } from "./generated/operations.js";
import type { paths } from "./generated/schema.js";
import type { AccountCallOptions, CallOptions, IdempotencyOptions, OperationCall } from "./operation.js";
import { fixedToken, loginSessions, type Session } from "./session.js";
import {
  createTransport,
  DEFAULT_RETRY_POLICY,
  type FetchLike,
  type RetryPolicy,
  type TokenSource,
  type Transport,
} from "./transport.js";
import type { Notification, OperationResult, QueryParams, RequestBody } from "./types.js";
import { signWebhook } from "./webhooks.js";

export interface CommonOptions {
  /** Where Herald answers, e.g. `https://herald.example.com` or `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** Default `globalThis.fetch`; pass a Worker's `SELF.fetch` or a service binding's `fetch` to call it directly. */
  fetch?: FetchLike;
  /** Retries of safe requests on 429, 502, 503, 504 and network errors (default 3). */
  retries?: number;
  /** Backoff: the first retry waits about `baseMs` (default 500), none longer than `maxMs` (default 30 000). */
  retryDelay?: { baseMs?: number; maxMs?: number };
  /** Headers sent with every request (a user agent, say). */
  headers?: Record<string, string>;
  /** The clock, in ms since the epoch (default `Date.now`): when tokens are renewed, how Retry-After dates count. */
  now?: () => number;
}

export interface TokenOptions extends CommonOptions {
  /** An AIMS token (`x-aims-auth-token`); never renewed. */
  token: string;
  /** The default account of account-scoped calls; default: the token's (from `GET /aims/v1/token_info`). */
  accountId?: string;
  accessKeyId?: never;
  secretKey?: never;
}

export interface AccessKeyOptions extends CommonOptions {
  /** Logs in with `POST /aims/v1/authenticate` (HTTP Basic) and renews the token before it expires. */
  accessKeyId: string;
  secretKey: string;
  /** The default account of account-scoped calls; default: the one the login answers. */
  accountId?: string;
  /** Renew the token this long before `token_expiration` (default 60; at most half the token's life). */
  renewBeforeSeconds?: number;
  token?: never;
}

export type HeraldClientOptions = TokenOptions | AccessKeyOptions;

/** Per call of `sentNotification`: the account, and an `Idempotency-Key`. */
export type SendNotificationOptions = AccountCallOptions & IdempotencyOptions;

/** `get_account_notification_by_type`'s query with the type, without `continuation_id` (the iterator follows it). */
export type NotificationsByTypeQuery = { type: string } & Omit<
  QueryParams<"get_account_notification_by_type">,
  "continuation_id"
>;

/** Path parameters whose value keeps its slash: a notification type (`incidents/alerts`) spans two segments. */
const RAW_SLASH_PARAMS = new Set(["type", "notification_type"]);

/**
 * Fills `{name}` in a path template. A notification type goes in raw, its slash unencoded, as Alert Logic's clients
 * send it (and as Herald documents it); every other value is percent-encoded as one segment.
 */
export function serializePath(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{([^{}]+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined || value === null || value === "") throw new TypeError(`'${name}' is required`);
    const text = String(value);
    return RAW_SLASH_PARAMS.has(name) ? text.split("/").map(encodeURIComponent).join("/") : encodeURIComponent(text);
  });
}

/**
 * A typed Herald client: one method per operation, named after the operation in camelCase, throwing a `HeraldError`
 * for any non-2xx answer. Account-scoped methods act on the client's account unless `accountId` says otherwise.
 * The methods are generated from the OpenAPI document (src/generated/operations.ts); what is written here is the
 * login and its renewal, the default account, idempotency keys, the page iterator and signed read receipts.
 */
export function createHeraldClient(options: HeraldClientOptions) {
  if (!options.baseUrl) throw new TypeError("createHeraldClient needs a baseUrl");
  const now = options.now ?? Date.now;
  const policy: RetryPolicy = {
    retries: options.retries ?? DEFAULT_RETRY_POLICY.retries,
    baseDelayMs: options.retryDelay?.baseMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: options.retryDelay?.maxMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
  };

  let sessions: ReturnType<typeof loginSessions> | undefined;
  let tokens: TokenSource;
  if (options.token !== undefined) {
    tokens = fixedToken(options.token);
  } else if (options.accessKeyId !== undefined && options.secretKey !== undefined) {
    const credentials = { accessKeyId: options.accessKeyId, secretKey: options.secretKey };
    const renewBeforeMs = (options.renewBeforeSeconds ?? 60) * 1000;
    sessions = loginSessions(async () => sessionOf(await authenticate(credentials)), { now, renewBeforeMs });
    tokens = sessions;
  } else {
    throw new TypeError("createHeraldClient needs a token, or an accessKeyId and a secretKey");
  }

  const fetchImpl: FetchLike = options.fetch ?? ((request) => globalThis.fetch(request));
  const transport: Transport = createTransport({
    fetch: fetchImpl,
    policy,
    tokens,
    now,
    ...(options.headers ? { headers: options.headers } : {}),
  });
  const api: Client<paths> = createClient<paths>({
    baseUrl: options.baseUrl,
    fetch: (request) => transport(request),
    pathSerializer: serializePath,
  });

  // openapi-fetch's `request` for a path known only at run time: the generated methods type each operation's input.
  const request = api.request as unknown as UntypedRequest;
  const call: OperationCall = async (operation, input, callOptions) => {
    const { method, path, accountScoped, sendsToken, idempotent } = OPERATIONS[operation];
    const key = idempotent ? idempotencyKey(callOptions?.idempotencyKey) : undefined;
    const account = accountScoped ? { account_id: callOptions?.accountId ?? (await defaultAccountId()) } : {};
    const { data, error, response } = await request(method, path, {
      params: {
        path: { ...account, ...input.path },
        query: input.query,
        header: { ...input.header, ...(key ? { "idempotency-key": key } : {}) },
      },
      body: input.body,
      signal: callOptions?.signal,
      headers: callOptions?.headers,
      ...(sendsToken ? {} : { fetch: (unsigned: Request) => transport(unsigned, { authenticate: false }) }),
    });
    if (!response.ok) throw HeraldError.fromResponse(operation, response, error);
    return data as OperationResult<typeof operation>;
  };
  const methods = operationMethods(call);

  /** `authenticate`: logs in with an access key (HTTP Basic); the client's own token is not changed. */
  async function authenticate(
    credentials: { accessKeyId: string; secretKey: string },
    callOptions?: CallOptions,
  ): Promise<OperationResult<"authenticate">> {
    const authorization = `Basic ${base64(`${credentials.accessKeyId}:${credentials.secretKey}`)}`;
    const { data, error, response } = await api.POST("/aims/v1/authenticate", {
      signal: callOptions?.signal,
      headers: { ...callOptions?.headers, authorization },
      // Logging in changes nothing, so it is retried like a GET.
      fetch: (request) => transport(request, { authenticate: false, replaySafe: true }),
    });
    if (!response.ok || !data) throw HeraldError.fromResponse("authenticate", response, error);
    return data;
  }

  let tokenAccount: Promise<string> | undefined;
  async function defaultAccountId(): Promise<string> {
    if (options.accountId) return options.accountId;
    if (sessions) return (await sessions.session()).accountId;
    tokenAccount ??= methods.tokenInfo().then(
      (info) => info.account.id,
      (error: unknown) => {
        tokenAccount = undefined;
        throw error;
      },
    );
    return tokenAccount;
  }

  return {
    /** The openapi-fetch client underneath (with the token, retries and path rules): answers, never throws. */
    raw: api,

    /** The account that account-scoped calls use by default. */
    getAccountId: defaultAccountId,

    /** The current token (logging in first, or renewing it, when needed). */
    getToken: (): Promise<string> => tokens.token(),

    authenticate,

    ...methods,

    /** Alias of `sentNotification`. */
    sendNotification: methods.sentNotification,

    /**
     * Every notification of `type`, page after page (`limit` is the page size): follows `continuation_id` until the
     * last page.
     */
    async *notificationsByType(
      query: NotificationsByTypeQuery,
      callOptions?: AccountCallOptions,
    ): AsyncGenerator<Notification, void, undefined> {
      const { type, ...rest } = query;
      let continuationId: string | undefined;
      for (;;) {
        const page = await methods.getAccountNotificationByType(
          type,
          { ...rest, ...(continuationId ? { continuation_id: continuationId } : {}) },
          callOptions,
        );
        yield* page.notifications;
        if (!page.continuation_id || page.continuation_id === continuationId) return;
        continuationId = page.continuation_id;
      }
    },

    /**
     * `acknowledge_webhook`: a receiver's read receipt for the webhook `webhookId`, signed with the integration's
     * secret (no token needed). The delivery moves from DELIVRD to READ.
     */
    acknowledgeWebhook: async (
      input: { webhookId: string; secret: string; body?: RequestBody<"acknowledge_webhook"> },
      callOptions?: CallOptions,
    ): Promise<OperationResult<"acknowledge_webhook">> => {
      const body = input.body ?? {};
      // Signs JSON.stringify(body): the text openapi-fetch sends.
      const header = await signWebhook({
        secret: input.secret,
        id: input.webhookId,
        body: JSON.stringify(body),
        timestamp: Math.floor(now() / 1000),
      });
      return call("acknowledge_webhook", { header, body }, callOptions);
    },
  };
}

export type HeraldClient = ReturnType<typeof createHeraldClient>;

type UntypedRequest = (
  method: string,
  path: string,
  init: {
    params: { path: Record<string, unknown>; query?: object; header: Record<string, string> };
    body?: unknown;
    signal?: AbortSignal | undefined;
    headers?: Record<string, string> | undefined;
    fetch?: (request: Request) => Promise<Response>;
  },
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

function sessionOf({ authentication }: OperationResult<"authenticate">): Session {
  return {
    token: authentication.token,
    accountId: authentication.account.id,
    expiresAt: authentication.token_expiration * 1000,
  };
}

function idempotencyKey(option: IdempotencyOptions["idempotencyKey"]): string | undefined {
  return option === true ? crypto.randomUUID() : option;
}

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

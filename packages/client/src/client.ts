import createClient, { type Client } from "openapi-fetch";
import { HeraldError } from "./errors.js";
import type { paths } from "./generated/schema.js";
import { fixedToken, loginSessions, type Session } from "./session.js";
import {
  createTransport,
  DEFAULT_RETRY_POLICY,
  type FetchLike,
  type RetryPolicy,
  type TokenSource,
  type Transport,
} from "./transport.js";
import type { Notification, OperationName, OperationResult, PathParams, QueryParams, RequestBody } from "./types.js";
import { signWebhook } from "./webhooks.js";

interface CommonOptions {
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

/** Per call: cancel it, or add headers. */
export interface CallOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Per call on an account (`/herald/v2/{account_id}/...`): also another account than the client's. */
export interface AccountCallOptions extends CallOptions {
  accountId?: string;
}

export interface SendNotificationOptions extends AccountCallOptions {
  /**
   * An `Idempotency-Key`: a repeat with the same key answers the first notification, so the send is retried like a
   * GET. `true` makes a random one for this call. Without it, a send is never retried.
   */
  idempotencyKey?: string | true;
}

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

type ApiCall = Promise<{ data?: unknown; error?: unknown; response: Response }>;

async function run<N extends OperationName>(operation: N, call: ApiCall): Promise<OperationResult<N>> {
  const { data, error, response } = await call;
  if (!response.ok) throw HeraldError.fromResponse(operation, response, error);
  return data as OperationResult<N>;
}

function init(options: CallOptions | undefined) {
  return { signal: options?.signal, headers: options?.headers };
}

/**
 * A typed Herald client: one method per operation, named after the operation in camelCase, throwing a `HeraldError`
 * for any non-2xx answer. Account-scoped methods act on the client's account unless `accountId` says otherwise.
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
    const authorization = `Basic ${base64(`${options.accessKeyId}:${options.secretKey}`)}`;
    const renewBeforeMs = (options.renewBeforeSeconds ?? 60) * 1000;
    sessions = loginSessions(() => login(authorization), { now, renewBeforeMs });
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

  async function login(authorization: string): Promise<Session> {
    const { data, error, response } = await api.POST("/aims/v1/authenticate", {
      headers: { authorization },
      // Logging in changes nothing, so it is retried like a GET.
      fetch: (request) => transport(request, { authenticate: false, replaySafe: true }),
    });
    if (!response.ok || !data) throw HeraldError.fromResponse("authenticate", response, error);
    const { token, token_expiration, account } = data.authentication;
    return { token, accountId: account.id, expiresAt: token_expiration * 1000 };
  }

  let tokenAccount: Promise<string> | undefined;
  async function defaultAccountId(): Promise<string> {
    if (options.accountId) return options.accountId;
    if (sessions) return (await sessions.session()).accountId;
    tokenAccount ??= tokenInfo().then(
      (info) => info.account.id,
      (error: unknown) => {
        tokenAccount = undefined;
        throw error;
      },
    );
    return tokenAccount;
  }

  async function account(options: AccountCallOptions | undefined): Promise<PathParams<"get_account_subscriptions">> {
    return { account_id: options?.accountId ?? (await defaultAccountId()) };
  }

  async function tokenInfo(options?: CallOptions): Promise<OperationResult<"token_info">> {
    return run("token_info", api.GET("/aims/v1/token_info", init(options)));
  }

  async function getAccountNotificationByType(
    type: PathParams<"get_account_notification_by_type">["type"],
    query?: QueryParams<"get_account_notification_by_type">,
    options?: AccountCallOptions,
  ): Promise<OperationResult<"get_account_notification_by_type">> {
    return run(
      "get_account_notification_by_type",
      api.GET("/herald/v2/{account_id}/notifications/{type}", {
        params: { path: { ...(await account(options)), type }, query },
        ...init(options),
      }),
    );
  }

  async function sentNotification(
    body: RequestBody<"sent_notification">,
    options?: SendNotificationOptions,
  ): Promise<OperationResult<"sent_notification">> {
    const key = options?.idempotencyKey === true ? crypto.randomUUID() : options?.idempotencyKey;
    return run(
      "sent_notification",
      api.POST("/herald/v2/{account_id}/notifications", {
        params: { path: await account(options), ...(key ? { header: { "idempotency-key": key } } : {}) },
        body,
        ...init(options),
      }),
    );
  }

  return {
    /** The openapi-fetch client underneath (with the token, retries and path rules): answers, never throws. */
    raw: api,

    /** The account that account-scoped calls use by default. */
    getAccountId: defaultAccountId,

    /** The current token (logging in first, or renewing it, when needed). */
    getToken: (): Promise<string> => tokens.token(),

    // ---- AIMS ----

    /** `token_info`: the token's account, user and expiry. */
    tokenInfo,

    /** `get_service_endpoint`: where `service` answers for the account, as Alert Logic's Endpoints lookup does. */
    getServiceEndpoint: async (
      residency: string,
      service: string,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"get_service_endpoint">> =>
      run(
        "get_service_endpoint",
        api.GET("/endpoints/v1/{account_id}/residency/{residency}/services/{service}/endpoint", {
          params: { path: { ...(await account(options)), residency, service } },
          ...init(options),
        }),
      ),

    // ---- Notifications ----

    /** `get_notification`: a notification of the token's account, by id. */
    getNotification: async (
      notificationId: string,
      options?: CallOptions,
    ): Promise<OperationResult<"get_notification">> =>
      run(
        "get_notification",
        api.GET("/herald/v2/notifications/{notification_id}", {
          params: { path: { notification_id: notificationId } },
          ...init(options),
        }),
      ),

    /** `get_account_notification`: a notification of the account, by id. */
    getAccountNotification: async (
      notificationId: string,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"get_account_notification">> =>
      run(
        "get_account_notification",
        api.GET("/herald/v2/{account_id}/notifications/{notification_id}", {
          params: { path: { ...(await account(options)), notification_id: notificationId } },
          ...init(options),
        }),
      ),

    /** `get_account_notification_by_type`: one page of the account's notifications of `type`. */
    getAccountNotificationByType,

    /**
     * Every notification of `type`, page after page (`limit` is the page size): follows `continuation_id` until the
     * last page.
     */
    async *notificationsByType(
      query: NotificationsByTypeQuery,
      options?: AccountCallOptions,
    ): AsyncGenerator<Notification, void, undefined> {
      const { type, ...rest } = query;
      let continuationId: string | undefined;
      for (;;) {
        const page = await getAccountNotificationByType(
          type,
          { ...rest, ...(continuationId ? { continuation_id: continuationId } : {}) },
          options,
        );
        yield* page.notifications;
        if (!page.continuation_id || page.continuation_id === continuationId) return;
        continuationId = page.continuation_id;
      }
    },

    /** `get_sent_incident_notifications`: the notifications sent for an incident, with each destination's status. */
    getSentIncidentNotifications: async (
      longIncidentId: string,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"get_sent_incident_notifications">> =>
      run(
        "get_sent_incident_notifications",
        api.GET("/herald/v2/{account_id}/notifications/type/incidents/alerts/{long_incident_id}", {
          params: { path: { ...(await account(options)), long_incident_id: longIncidentId } },
          ...init(options),
        }),
      ),

    /** `sent_notification`: stores a notification and delivers it to every matching subscription (202). */
    sentNotification,
    /** Alias of `sentNotification`. */
    sendNotification: sentNotification,

    // ---- Subscriptions ----

    /** `get_account_subscriptions`: the account's subscriptions, optionally filtered. */
    getAccountSubscriptions: async (
      query?: QueryParams<"get_account_subscriptions">,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"get_account_subscriptions">> =>
      run(
        "get_account_subscriptions",
        api.GET("/herald/v2/{account_id}/subscriptions", {
          params: { path: await account(options), query },
          ...init(options),
        }),
      ),

    /** `create_subscription` (201). Rejected subscribers are listed in `subscribers_failed`. */
    createSubscription: async (
      body: RequestBody<"create_subscription">,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"create_subscription">> =>
      run(
        "create_subscription",
        api.POST("/herald/v2/{account_id}/subscriptions", {
          params: { path: await account(options) },
          body,
          ...init(options),
        }),
      ),

    /** `get_account_subscription`: one subscription. */
    getAccountSubscription: async (
      subscriptionId: string,
      query?: QueryParams<"get_account_subscription">,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"get_account_subscription">> =>
      run(
        "get_account_subscription",
        api.GET("/herald/v2/{account_id}/subscriptions/{subscription_id}", {
          params: { path: { ...(await account(options)), subscription_id: subscriptionId }, query },
          ...init(options),
        }),
      ),

    /** `update_subscription`: a partial update (only the properties sent change). */
    updateSubscription: async (
      subscriptionId: string,
      body: RequestBody<"update_subscription">,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"update_subscription">> =>
      run(
        "update_subscription",
        api.POST("/herald/v2/{account_id}/subscriptions/{subscription_id}", {
          params: { path: { ...(await account(options)), subscription_id: subscriptionId } },
          body,
          ...init(options),
        }),
      ),

    /** `delete_subscription`. */
    deleteSubscription: async (
      subscriptionId: string,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"delete_subscription">> =>
      run(
        "delete_subscription",
        api.DELETE("/herald/v2/{account_id}/subscriptions/{subscription_id}", {
          params: { path: { ...(await account(options)), subscription_id: subscriptionId } },
          ...init(options),
        }),
      ),

    /** `batch_delete_subscriptions`: ids it did not delete throw (`isPartialDeletion`); the others are deleted. */
    batchDeleteSubscriptions: async (
      body: RequestBody<"batch_delete_subscriptions">,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"batch_delete_subscriptions">> =>
      run(
        "batch_delete_subscriptions",
        api.POST("/herald/v2/{account_id}/subscriptions/batch/delete", {
          params: { path: await account(options) },
          body,
          ...init(options),
        }),
      ),

    // ---- Subscribers ----

    /** `get_account_subscription_subscribers`. */
    getAccountSubscriptionSubscribers: async (
      subscriptionId: string,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"get_account_subscription_subscribers">> =>
      run(
        "get_account_subscription_subscribers",
        api.GET("/herald/v2/{account_id}/subscriptions/{subscription_id}/subscribers", {
          params: { path: { ...(await account(options)), subscription_id: subscriptionId } },
          ...init(options),
        }),
      ),

    /** `add_subscriber` (201). */
    addSubscriber: async (
      subscriptionId: string,
      body: RequestBody<"add_subscriber">,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"add_subscriber">> =>
      run(
        "add_subscriber",
        api.POST("/herald/v2/{account_id}/subscriptions/{subscription_id}/subscribers", {
          params: { path: { ...(await account(options)), subscription_id: subscriptionId } },
          body,
          ...init(options),
        }),
      ),

    /** `remove_subscriber`. */
    removeSubscriber: async (
      subscriptionId: string,
      subscriberType: PathParams<"remove_subscriber">["subscriber_type"],
      subscriber: string,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"remove_subscriber">> =>
      run(
        "remove_subscriber",
        api.DELETE(
          "/herald/v2/{account_id}/subscriptions/{subscription_id}/subscribers/{subscriber_type}/{subscriber}",
          {
            params: {
              path: {
                ...(await account(options)),
                subscription_id: subscriptionId,
                subscriber_type: subscriberType,
                subscriber,
              },
            },
            ...init(options),
          },
        ),
      ),

    /** `batch_update_subscribers`: all or nothing; rejections throw (`isSubscribersFailed`). */
    batchUpdateSubscribers: async (
      subscriptionId: string,
      body: RequestBody<"batch_update_subscribers">,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"batch_update_subscribers">> =>
      run(
        "batch_update_subscribers",
        api.POST("/herald/v2/{account_id}/subscriptions/{subscription_id}/subscribers/batch/update", {
          params: { path: { ...(await account(options)), subscription_id: subscriptionId } },
          body,
          ...init(options),
        }),
      ),

    // ---- Notification types ----

    /** `get_notification_types`. */
    getNotificationTypes: async (options?: CallOptions): Promise<OperationResult<"get_notification_types">> =>
      run("get_notification_types", api.GET("/herald/v2/notification_types", init(options))),

    /** `create_notification_type` (platform administrators). */
    createNotificationType: async (
      body: RequestBody<"create_notification_type">,
      options?: CallOptions,
    ): Promise<OperationResult<"create_notification_type">> =>
      run("create_notification_type", api.POST("/herald/v2/notification_types", { body, ...init(options) })),

    /** `update_notification_type` (platform administrators). */
    updateNotificationType: async (
      notificationType: string,
      body: RequestBody<"update_notification_type">,
      options?: CallOptions,
    ): Promise<OperationResult<"update_notification_type">> =>
      run(
        "update_notification_type",
        api.PUT("/herald/v2/notification_types/{notification_type}", {
          params: { path: { notification_type: notificationType } },
          body,
          ...init(options),
        }),
      ),

    /** `delete_notification_type` (platform administrators); 409 while subscriptions use it. */
    deleteNotificationType: async (
      notificationType: string,
      options?: CallOptions,
    ): Promise<OperationResult<"delete_notification_type">> =>
      run(
        "delete_notification_type",
        api.DELETE("/herald/v2/notification_types/{notification_type}", {
          params: { path: { notification_type: notificationType } },
          ...init(options),
        }),
      ),

    // ---- Integrations ----

    /** `get_integration_types`. */
    getIntegrationTypes: async (options?: CallOptions): Promise<OperationResult<"get_integration_types">> =>
      run("get_integration_types", api.GET("/herald/v2/integration_types", init(options))),

    /** `get_account_integrations`. */
    getAccountIntegrations: async (
      options?: AccountCallOptions,
    ): Promise<OperationResult<"get_account_integrations">> =>
      run(
        "get_account_integrations",
        api.GET("/herald/v2/{account_id}/integrations", { params: { path: await account(options) }, ...init(options) }),
      ),

    /** `create_integration` (admin role): a webhook to a public http(s) address. */
    createIntegration: async (
      body: RequestBody<"create_integration">,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"create_integration">> =>
      run(
        "create_integration",
        api.POST("/herald/v2/{account_id}/integrations", {
          params: { path: await account(options) },
          body,
          ...init(options),
        }),
      ),

    /** `get_account_integration`. */
    getAccountIntegration: async (
      integrationId: string,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"get_account_integration">> =>
      run(
        "get_account_integration",
        api.GET("/herald/v2/{account_id}/integrations/{id}", {
          params: { path: { ...(await account(options)), id: integrationId } },
          ...init(options),
        }),
      ),

    /** `update_integration` (admin role): only the properties sent change. */
    updateIntegration: async (
      integrationId: string,
      body: RequestBody<"update_integration">,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"update_integration">> =>
      run(
        "update_integration",
        api.PUT("/herald/v2/{account_id}/integrations/{id}", {
          params: { path: { ...(await account(options)), id: integrationId } },
          body,
          ...init(options),
        }),
      ),

    /** `delete_integration` (admin role). */
    deleteIntegration: async (
      integrationId: string,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"delete_integration">> =>
      run(
        "delete_integration",
        api.DELETE("/herald/v2/{account_id}/integrations/{id}", {
          params: { path: { ...(await account(options)), id: integrationId } },
          ...init(options),
        }),
      ),

    /** `get_integration_secret` (admin role): the `whsec_` secret deliveries are signed with. */
    getIntegrationSecret: async (
      integrationId: string,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"get_integration_secret">> =>
      run(
        "get_integration_secret",
        api.GET("/herald/v2/{account_id}/integrations/{id}/secret", {
          params: { path: { ...(await account(options)), id: integrationId } },
          ...init(options),
        }),
      ),

    /** `rotate_integration_secret` (admin role): a new secret; the previous one keeps signing for a while. */
    rotateIntegrationSecret: async (
      integrationId: string,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"rotate_integration_secret">> =>
      run(
        "rotate_integration_secret",
        api.POST("/herald/v2/{account_id}/integrations/{id}/secret/rotate", {
          params: { path: { ...(await account(options)), id: integrationId } },
          ...init(options),
        }),
      ),

    // ---- Deliveries ----

    /** `get_notification_deliveries`: every delivery of a notification, with its attempts. */
    getNotificationDeliveries: async (
      query: QueryParams<"get_notification_deliveries">,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"get_notification_deliveries">> =>
      run(
        "get_notification_deliveries",
        api.GET("/herald/v2/{account_id}/deliveries", {
          params: { path: await account(options), query },
          ...init(options),
        }),
      ),

    /** `get_delivery`. */
    getDelivery: async (deliveryId: string, options?: AccountCallOptions): Promise<OperationResult<"get_delivery">> =>
      run(
        "get_delivery",
        api.GET("/herald/v2/{account_id}/deliveries/{delivery_id}", {
          params: { path: { ...(await account(options)), delivery_id: deliveryId } },
          ...init(options),
        }),
      ),

    /** `retry_delivery`: a FAILED delivery starts over (202); 409 for any other status. */
    retryDelivery: async (
      deliveryId: string,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"retry_delivery">> =>
      run(
        "retry_delivery",
        api.POST("/herald/v2/{account_id}/deliveries/{delivery_id}/retry", {
          params: { path: { ...(await account(options)), delivery_id: deliveryId } },
          ...init(options),
        }),
      ),

    /** `test_webhook` (admin role): one unsigned call to `url`, answering the target's `{code, rawbody}`. */
    testWebhook: async (
      body: RequestBody<"test_webhook">,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"test_webhook">> =>
      run(
        "test_webhook",
        api.POST("/herald/v2/{account_id}/webhook/test", {
          params: { path: await account(options) },
          body,
          ...init(options),
        }),
      ),

    // ---- Users ----

    /** `get_account_users`. */
    getAccountUsers: async (options?: AccountCallOptions): Promise<OperationResult<"get_account_users">> =>
      run(
        "get_account_users",
        api.GET("/herald/v2/{account_id}/users", { params: { path: await account(options) }, ...init(options) }),
      ),

    /** `get_account_user`. */
    getAccountUser: async (
      userId: string,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"get_account_user">> =>
      run(
        "get_account_user",
        api.GET("/herald/v2/{account_id}/users/{user_id}", {
          params: { path: { ...(await account(options)), user_id: userId } },
          ...init(options),
        }),
      ),

    /** `put_user` (admin role): creates or replaces the user. */
    putUser: async (
      userId: string,
      body: RequestBody<"put_user">,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"put_user">> =>
      run(
        "put_user",
        api.PUT("/herald/v2/{account_id}/users/{user_id}", {
          params: { path: { ...(await account(options)), user_id: userId } },
          body,
          ...init(options),
        }),
      ),

    /** `delete_user` (admin role); 409 while the user holds access keys. */
    deleteUser: async (userId: string, options?: AccountCallOptions): Promise<OperationResult<"delete_user">> =>
      run(
        "delete_user",
        api.DELETE("/herald/v2/{account_id}/users/{user_id}", {
          params: { path: { ...(await account(options)), user_id: userId } },
          ...init(options),
        }),
      ),

    // ---- E-mail ----

    /** `get_captured_emails`: e-mails kept by the `capture` transport, newest first. */
    getCapturedEmails: async (
      query?: QueryParams<"get_captured_emails">,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"get_captured_emails">> =>
      run(
        "get_captured_emails",
        api.GET("/herald/v2/{account_id}/emails", {
          params: { path: await account(options), query },
          ...init(options),
        }),
      ),

    /** `test_email` (admin role): a sample incident e-mail to `email`. */
    testEmail: async (
      body: RequestBody<"test_email">,
      options?: AccountCallOptions,
    ): Promise<OperationResult<"test_email">> =>
      run(
        "test_email",
        api.POST("/herald/v2/{account_id}/email/test", {
          params: { path: await account(options) },
          body,
          ...init(options),
        }),
      ),

    // ---- Receivers ----

    /**
     * `acknowledge_webhook`: a receiver's read receipt for the webhook `webhookId`, signed with the integration's
     * secret (no token needed). The delivery moves from DELIVRD to READ.
     */
    acknowledgeWebhook: async (
      input: { webhookId: string; secret: string; body?: RequestBody<"acknowledge_webhook"> },
      options?: CallOptions,
    ): Promise<OperationResult<"acknowledge_webhook">> => {
      const text = JSON.stringify(input.body ?? {});
      const signed = await signWebhook({
        secret: input.secret,
        id: input.webhookId,
        body: text,
        timestamp: Math.floor(now() / 1000),
      });
      return run(
        "acknowledge_webhook",
        api.POST("/hooks/ack", {
          params: { header: signed },
          body: input.body ?? {},
          bodySerializer: () => text,
          ...init(options),
          fetch: (request) => transport(request, { authenticate: false }),
        }),
      );
    },
  };
}

export type HeraldClient = ReturnType<typeof createHeraldClient>;

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// The interfaces the domain is built from, below every layer that implements or uses them: env.ts's Services names
// them, delivery/ and services/ implement them (delivery/email/transport.ts, services/hot-reads.ts).
import type { AccountRow, NotificationTypeRow } from "@herald/db";

/** What one call to a destination came to: delivered, worth another try (not sooner than asked), or never. */
export type AttemptOutcome =
  | { kind: "delivered" }
  | {
      kind: "retry";
      reason: string;
      retryAfterSeconds?: number;
      /** The destination said "too many calls" (429 or its vendor's equivalent), not that it failed. */
      rateLimited?: boolean;
    }
  | { kind: "permanent"; reason: string; disableIntegration?: boolean };

export interface OutgoingEmail {
  accountId: string;
  /** The leg this e-mail delivers; also the provider's idempotency key, so a retried send is sent once. */
  deliveryId: string | null;
  to: string;
  subject: string;
  html: string;
  text: string;
}

export type EmailSendResult =
  | {
      ok: true;
      /** SENT: the provider accepted it and reports delivery later; DELIVRD: it reached its final place. */
      status: "SENT" | "DELIVRD";
      providerMessageId?: string;
      responseCode?: number;
      responseBody?: string;
    }
  | {
      ok: false;
      outcome: Exclude<AttemptOutcome, { kind: "delivered" }>;
      responseCode?: number;
      responseBody?: string;
    };

/** Where rendered e-mails go. One interface, so the channel does not know which provider is configured. */
export interface EmailTransport {
  readonly name: string;
  send(email: OutgoingEmail): Promise<EmailSendResult>;
}

/** Reads every send makes, cached per isolate. Only rows that exist are kept: a type created elsewhere is seen at once. */
export interface HotReads {
  account(id: string): Promise<AccountRow | undefined>;
  notificationType(key: string): Promise<NotificationTypeRow | undefined>;
  /** Forgets a notification type this isolate changed or deleted. */
  forgetNotificationType(key: string): void;
}

/**
 * What Herald did, counted by the host: Prometheus metrics on Node, structured log lines and Analytics Engine data
 * points on Workers. Events are recorded a request or a batch at a time, so a host can aggregate before it pays.
 */
export type TelemetryEvent =
  /** An HTTP request answered; `route` is the matched route's template, never the raw path. */
  | { kind: "request"; method: string; route: string; status: number; durationMs: number }
  /** Notifications stored by sends (replays of an Idempotency-Key are not new notifications). */
  | { kind: "notifications"; type: string; count: number }
  /** Notifications fanned out in one batch and the legs that came of them. */
  | { kind: "fanout"; notifications: number; legs: number }
  /** One call to a destination and what it came to; `channel` is `email` or the integration's type. */
  | { kind: "attempt"; channel: string; outcome: AttemptOutcome["kind"] | "crashed"; durationMs: number }
  /**
   * A leg that reached a final status (SENT or DELIVRD: delivered; FAILED: given up). `latencyMs` is from the send
   * to the delivery, for delivered legs.
   */
  | { kind: "settled"; channel: string; status: "SENT" | "DELIVRD" | "FAILED"; latencyMs?: number }
  /** Queue messages that exhausted the queue's retries and were recorded as failed. */
  | { kind: "dead_letters"; queue: string; messages: number }
  /** A sweeper run: what it queued again, or that it failed. */
  | { kind: "sweep"; ok: boolean; notifications: number; deliveries: number };

export type SpanAttributes = Record<string, string | number | boolean>;

/** The span a piece of work runs in: its W3C `traceparent` to hand on, and what to note on it. */
export interface Span {
  readonly traceparent: string;
  /** Names the span once what it did is known (an HTTP span takes its route's template). */
  updateName(name: string): void;
  setAttributes(attributes: SpanAttributes): void;
  /** Marks the span failed, with why. */
  fail(reason: string): void;
}

export interface Telemetry {
  record(events: readonly TelemetryEvent[]): void;
  /**
   * Runs `work` in a span named `name`, a child of `parent` (a W3C traceparent) when given. Where tracing is on
   * (Node with OTEL_* set), the span is exported; elsewhere it only carries the trace on (a traceparent to pass).
   */
  span<T>(
    name: string,
    options: { parent?: string | null; attributes?: SpanAttributes },
    work: (span: Span) => Promise<T>,
  ): Promise<T>;
}

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

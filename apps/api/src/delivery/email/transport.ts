import { type Db, insertCapturedEmail } from "@herald/db";
import type { EmailTransport } from "../../ports";
import type { EmailSettings, ResendSettings } from "../../settings";
import { readCapped } from "../response-body";
import { classifyFetchError, classifyResponse } from "../retry-policy";

interface TransportDeps {
  db: Db;
  now: () => number;
  newId: () => string;
}

/** Local development: the e-mail is stored and readable through `GET /herald/v2/{account_id}/emails`. */
export function captureTransport(deps: TransportDeps): EmailTransport {
  return {
    name: "capture",
    async send(email) {
      const id = deps.newId();
      await insertCapturedEmail(deps.db, {
        id,
        accountId: email.accountId,
        deliveryId: email.deliveryId,
        to: email.to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        createdAt: deps.now(),
      });
      return { ok: true, status: "DELIVRD", providerMessageId: id };
    },
  };
}

/** Resend's HTTP API (https://resend.com/docs/api-reference/emails/send-email). */
export function resendTransport(settings: ResendSettings): EmailTransport {
  return {
    name: "resend",
    async send(email) {
      let response: Response;
      try {
        response = await fetch(`${settings.apiUrl}/emails`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${settings.apiKey}`,
            "content-type": "application/json",
            ...(email.deliveryId ? { "idempotency-key": email.deliveryId } : {}),
          },
          body: JSON.stringify({
            from: settings.from,
            to: [email.to],
            subject: email.subject,
            html: email.html,
            text: email.text,
            ...(email.deliveryId ? { tags: [{ name: "herald_delivery", value: email.deliveryId }] } : {}),
          }),
          redirect: "manual",
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        const outcome = classifyFetchError(error);
        return { ok: false, outcome: outcome.kind === "delivered" ? { kind: "retry", reason: "unknown" } : outcome };
      }
      const body = await readCapped(response);
      const outcome = classifyResponse(response.status, response.headers, Date.now());
      if (outcome.kind !== "delivered")
        return { ok: false, outcome, responseCode: response.status, responseBody: body };
      const providerMessageId = parseId(body);
      return {
        ok: true,
        status: "SENT",
        responseCode: response.status,
        responseBody: body,
        ...(providerMessageId ? { providerMessageId } : {}),
      };
    },
  };
}

function parseId(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { id?: unknown };
    return typeof parsed.id === "string" ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}

/** The transport the settings ask for (src/settings/ checked that resend has its key and sender). */
export function createEmailTransport(settings: EmailSettings, deps: TransportDeps): EmailTransport {
  return settings.transport === "resend" ? resendTransport(settings.resend) : captureTransport(deps);
}

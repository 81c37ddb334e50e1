// Microsoft Teams through a Workflows (Power Automate) webhook, the replacement of the retired Office 365
// connectors: POST https://prod-NN.<region>.logic.azure.com/workflows/<id>/triggers/manual/paths/invoke
// ?api-version=…&sp=…&sv=…&sig=… or https://<env>.environment.api.powerplatform.com/powerautomate/automations/direct
// /workflows/<id>/triggers/manual/paths/invoke?…, errors as {"error":{"code","message"}} (Logic Apps).
// The trigger answers 202 as soon as the flow starts; posting the card happens later, inside the flow, and a card
// that cannot post (not a message with an Adaptive Card attachment, or over Teams' ~28 KB message limit,
// learn.microsoft.com/connectors/teams "Known issues and limitations") fails there, unseen by the caller. So the fake
// answers 202 as Teams does and records such a call as not accepted, with the reason, for tests to assert on.
// Only what the trigger itself checks is refused: no `sig` (401), no api-version (400), a body that is not JSON (400).
// Key: the workflow id.
import type { Step } from "../scenarios/scripted-receiver";
import { isJsonContentType, isRecord, jsonVerdict, parseJson, type VendorFake, type Verdict } from "./vendor-kit";

export const MSTEAMS_HOST = "prod-00.westus.logic.azure.com";
export const MAX_TEAMS_MESSAGE_BYTES = 28 * 1024;
export const ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

export function isTeamsHost(hostname: string): boolean {
  return /\.logic\.azure\.com$/.test(hostname) || /\.environment\.api\.powerplatform\.com$/.test(hostname);
}

const azureError = (code: string, message: string) => ({ error: { code, message } });

/** Scriptable answers for flows that stopped working. */
export const MSTEAMS_ANSWERS = {
  deleted: {
    status: 404,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(azureError("WorkflowNotFound", "The workflow could not be found.")),
  },
  staleSignature: {
    status: 401,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(
      azureError("DirectApiInvalidAuthorizationSignature", "The provided authorization signature is not valid."),
    ),
  },
  throttled: {
    status: 429,
    headers: { "content-type": "application/json", "retry-after": "10" },
    body: JSON.stringify(azureError("WorkflowRequestsThrottled", "Number of requests exceeded the limit.")),
  },
} satisfies Record<string, Step>;

const INVOKE_PATH =
  /^(?:\/powerautomate\/automations\/direct)?\/workflows\/([0-9a-f]{32})\/triggers\/manual\/paths\/invoke\/?$/i;

export class MsTeamsFake implements VendorFake {
  keyOf(_call: unknown, url: URL): string {
    return INVOKE_PATH.exec(url.pathname)?.[1]?.toLowerCase() ?? "";
  }

  answer(call: { method: string; headers: Record<string, string>; body: string }, url: URL, key: string): Verdict {
    if (key === "") {
      return jsonVerdict(azureError("WorkflowNotFound", "The workflow could not be found."), 404);
    }
    if (!url.searchParams.has("api-version")) {
      return jsonVerdict(
        azureError("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required."),
        400,
      );
    }
    if (!url.searchParams.get("sig")) {
      return jsonVerdict(
        azureError("DirectApiAuthorizationRequired", "The request must be authenticated by the Shared Access scheme."),
        401,
      );
    }
    if (call.method !== "POST") {
      return jsonVerdict(
        azureError("TriggerRequestMethodNotValid", `The HTTP method '${call.method}' is not allowed.`),
        405,
      );
    }
    if (!isJsonContentType(call.headers)) {
      return { status: 202, body: null, accepted: false, reason: "not JSON: the flow finds no card to post" };
    }
    const parsed = parseJson(call.body);
    if (!parsed.ok) {
      return jsonVerdict(azureError("InvalidRequestContent", "The request content is not valid JSON."), 400);
    }
    const refusal = cardRefusal(parsed.value, new TextEncoder().encode(call.body).byteLength);
    return refusal
      ? { status: 202, body: null, accepted: false, reason: refusal }
      : { status: 202, body: null, accepted: true };
  }
}

/** Why the flow's "post card" step would fail, or undefined when the card would post. */
export function cardRefusal(message: unknown, bytes: number): string | undefined {
  if (bytes > MAX_TEAMS_MESSAGE_BYTES) return `Request Entity too large: ${bytes} bytes > ${MAX_TEAMS_MESSAGE_BYTES}`;
  if (!isRecord(message) || message.type !== "message") return 'type must be "message"';
  const { attachments } = message;
  if (!Array.isArray(attachments) || attachments.length === 0) return "attachments must hold an Adaptive Card";
  for (const attachment of attachments) {
    if (!isRecord(attachment) || attachment.contentType !== ADAPTIVE_CARD_CONTENT_TYPE) {
      return `attachment contentType must be ${ADAPTIVE_CARD_CONTENT_TYPE}`;
    }
    const card = attachment.content;
    if (!isRecord(card) || card.type !== "AdaptiveCard") return 'attachment content must be {"type":"AdaptiveCard"}';
    if (typeof card.version !== "string" || !/^1\.\d$/.test(card.version)) return "card version must be 1.x";
    if (!Array.isArray(card.body)) return "card body must be a list of elements";
    if (!card.body.every((element) => isRecord(element) && typeof element.type === "string")) {
      return "every card body element needs a type";
    }
  }
  return undefined;
}

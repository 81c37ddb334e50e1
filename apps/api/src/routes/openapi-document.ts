import type { Router } from "./router";

export const OPENAPI_DOCUMENT_PATH = "/herald/v2/openapi.json";
export const API_REFERENCE_PATH = "/herald/v2/docs";

const TAGS = [
  { name: "Notifications", description: "Send notifications and read them back, by id, by type or by incident." },
  { name: "Subscriptions", description: "Who hears about which notification type, with filters and templates." },
  { name: "Subscribers", description: "The users and connections (integrations) of a subscription." },
  { name: "Notification Types", description: "The kinds of notifications; platform administrators manage them." },
  { name: "Integrations", description: "Webhook destinations of an account, and their signing secrets." },
  { name: "Deliveries", description: "Herald extension: each destination's delivery, its attempts and retries." },
  {
    name: "Jobs",
    description: "Herald extension: re-send an integration's failed deliveries (recover), or what it missed (replay).",
  },
  { name: "Users", description: "Herald extension: where `user` subscribers' e-mail goes." },
  { name: "E-mail", description: "Herald extension: captured e-mails and test e-mails." },
  { name: "AIMS", description: "Log in with an access key, as Alert Logic's AIMS service answers it." },
  { name: "Receivers", description: "Signed callbacks into Herald: delivery events and read receipts." },
  { name: "Webhooks", description: "What Herald sends to a webhook integration." },
  { name: "Portal", description: "Herald extension: console sign-in links for end customers, limited in scope." },
];

/**
 * The OpenAPI 3.1 document of `app`: served at OPENAPI_DOCUMENT_PATH and committed as packages/client/openapi.json,
 * from which the typed client is generated. Nothing in it may depend on the request or the environment.
 */
export function openApiDocument(app: Router) {
  const document = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Herald",
      version: "2.0.0",
      description:
        "Notification service speaking Alert Logic's Herald v2 contract. Log in with `POST /aims/v1/authenticate` " +
        "(HTTP Basic: access key id and secret) and send the token as `x-aims-auth-token`. Errors have the shape " +
        "`{error, details?, path?, request_id?}`. Notification types contain a slash, sent raw in paths " +
        "(`/notifications/incidents/alerts`) or percent-encoded.",
    },
    tags: TAGS,
  });
  return withoutOptionalDiscriminators(document);
}

/**
 * A create request may leave `type` out (a webhook, as Alert Logic's clients send it), and OpenAPI requires a
 * discriminator's property: such a union stays a `oneOf` whose members each fix `type`, without the `discriminator`
 * keyword (which would also make generated clients demand `type` on webhooks).
 */
function withoutOptionalDiscriminators<Document extends ReturnType<Router["getOpenAPI31Document"]>>(
  document: Document,
) {
  for (const schema of Object.values(document.components?.schemas ?? {})) {
    if (!("discriminator" in schema) || !schema.discriminator || !("oneOf" in schema)) continue;
    const property = schema.discriminator.propertyName;
    const members = (schema.oneOf ?? []).map((member) =>
      "$ref" in member ? document.components?.schemas?.[member.$ref?.split("/").at(-1) ?? ""] : member,
    );
    const optional = members.some((member) => member && "required" in member && !member.required?.includes(property));
    if (optional) delete schema.discriminator;
  }
  return document;
}

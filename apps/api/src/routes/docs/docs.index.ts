import { Notification } from "@herald/contracts";
import { z } from "@hono/zod-openapi";
import { jsonBody } from "../../lib/openapi";
import { API_REFERENCE_PATH, OPENAPI_DOCUMENT_PATH, openApiDocument } from "../openapi-document";
import type { Router } from "../router";

const DeliveryHeaders = z.object({
  "webhook-id": z.string().openapi({
    description: "`msg_<delivery id>`: the same on every retry of a delivery, so receivers can deduplicate on it.",
    example: "msg_2F1C9E5A-8D3B-4C7E-9A61-0B5D4E3F2A19",
  }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds of this attempt.", example: "1517314312" }),
  "webhook-signature": z.string().openapi({
    description: "Space-separated `v1,<base64 HMAC-SHA256>` entries, one per valid signing secret.",
    example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
  }),
});

/**
 * Serves the OpenAPI document and an interactive reference. Register before the `authenticate` middleware: both are
 * public, and a handler that answers ends the chain before later middleware runs.
 */
export function registerDocs(app: Router) {
  app.openAPIRegistry.registerWebhook({
    method: "post",
    path: "notification",
    tags: ["Webhooks"],
    summary: "A notification delivered to a webhook integration",
    description:
      "Herald POSTs the notification to the integration's `target_url` with its custom headers, signed per " +
      "Standard Webhooks: HMAC-SHA256 with the integration's `whsec_` secret over `{webhook-id}.{webhook-timestamp}." +
      "{body}`. `webhook-id` (`msg_<delivery id>`) stays the same across retries; during a secret rotation " +
      "`webhook-signature` holds one `v1,` entry per valid secret. Verify with `verifyWebhook` from `@herald/client`.",
    request: { headers: DeliveryHeaders, body: jsonBody(Notification) },
    responses: {
      200: { description: "Any 2xx: delivered" },
      410: { description: "Gone: the delivery fails and the integration is disabled until it is updated" },
    },
  });

  let document: ReturnType<typeof openApiDocument> | undefined;
  app.get(OPENAPI_DOCUMENT_PATH, (c) => {
    document ??= openApiDocument(app);
    return c.json(document, 200, { "cache-control": "public, max-age=300" });
  });
  // Offline: the page's script and styles are Swagger UI's own files, served by Herald beside the console
  // (apps/console copies them into its build, dist/swagger-ui/), never from a CDN.
  app.get(API_REFERENCE_PATH, (c) => c.html(API_REFERENCE_HTML, 200, { "cache-control": "no-cache" }));
}

/** Where the reference page's files are served (apps/console/scripts/after-build.mjs copies them there). */
export const SWAGGER_UI_PATH = "/swagger-ui/";

/** The API reference: Swagger UI from Herald's own origin; no validator badge (it would call validator.swagger.io). */
export const API_REFERENCE_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Herald API reference</title>
    <link rel="stylesheet" href="${SWAGGER_UI_PATH}swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${SWAGGER_UI_PATH}swagger-ui-bundle.js"></script>
    <script>
      window.addEventListener("load", () => {
        window.ui = SwaggerUIBundle({
          url: ${JSON.stringify(OPENAPI_DOCUMENT_PATH)},
          dom_id: "#swagger-ui",
          displayOperationId: true,
          validatorUrl: null,
        });
      });
    </script>
  </body>
</html>
`;

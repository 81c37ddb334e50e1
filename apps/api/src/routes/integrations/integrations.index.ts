import { requireAdmin } from "../../middleware/authenticate";
import { testIntegration, testIntegrationConfiguration } from "../../services/integration-test";
import * as integrations from "../../services/integrations";
import { createRouter, serviceContext as ctx } from "../router";
import * as routes from "./integrations.routes";

export const integrationsRouter = createRouter()
  .openapi(routes.getIntegrationTypes, (c) => c.json(integrations.listIntegrationTypes(), 200))
  .openapi(routes.getAccountIntegrations, async (c) => {
    const { account_id } = c.req.valid("param");
    return c.json(await integrations.listIntegrations(ctx(c), account_id), 200);
  })
  .openapi({ ...routes.createIntegration, middleware: [requireAdmin] }, async (c) => {
    const { account_id } = c.req.valid("param");
    return c.json(await integrations.createIntegration(ctx(c), account_id, c.req.valid("json")), 201);
  })
  .openapi({ ...routes.createIntegrationOfType, middleware: [requireAdmin] }, async (c) => {
    const { account_id, type } = c.req.valid("param");
    const body = integrations.createRequestOfType(type, c.req.valid("json"));
    return c.json(await integrations.createIntegration(ctx(c), account_id, body), 201);
  })
  .openapi(routes.getAccountIntegration, async (c) => {
    const { account_id, id } = c.req.valid("param");
    return c.json(await integrations.getIntegration(ctx(c), account_id, id), 200);
  })
  .openapi({ ...routes.updateIntegration, middleware: [requireAdmin] }, async (c) => {
    const { account_id, id } = c.req.valid("param");
    return c.json(await integrations.updateIntegration(ctx(c), account_id, id, c.req.valid("json")), 200);
  })
  .openapi({ ...routes.deleteIntegration, middleware: [requireAdmin] }, async (c) => {
    const { account_id, id } = c.req.valid("param");
    await integrations.deleteIntegration(ctx(c), account_id, id);
    return c.body(null, 204);
  })
  .openapi({ ...routes.getSigningSecret, middleware: [requireAdmin] }, async (c) => {
    const { account_id, id } = c.req.valid("param");
    return c.json(await integrations.getSigningSecret(ctx(c), account_id, id), 200);
  })
  .openapi({ ...routes.rotateSigningSecret, middleware: [requireAdmin] }, async (c) => {
    const { account_id, id } = c.req.valid("param");
    return c.json(await integrations.rotateSigningSecret(ctx(c), account_id, id), 200);
  })
  .openapi({ ...routes.pauseIntegration, middleware: [requireAdmin] }, async (c) => {
    const { account_id, id } = c.req.valid("param");
    return c.json(await integrations.pauseIntegration(ctx(c), account_id, id), 200);
  })
  .openapi({ ...routes.resumeIntegration, middleware: [requireAdmin] }, async (c) => {
    const { account_id, id } = c.req.valid("param");
    return c.json(await integrations.resumeIntegration(ctx(c), account_id, id), 200);
  })
  .openapi({ ...routes.testIntegration, middleware: [requireAdmin] }, async (c) => {
    const { account_id, id } = c.req.valid("param");
    return c.json(await testIntegration(ctx(c), account_id, id, c.req.valid("json")), 200);
  });

/**
 * `POST /{account_id}/{type}/test` takes any first segment after the account, so it is mounted after the routers whose
 * own `/{account_id}/webhook/test` and `/{account_id}/email/test` must answer first.
 */
export const integrationConfigurationTestRouter = createRouter().openapi(
  { ...routes.testIntegrationConfiguration, middleware: [requireAdmin] },
  async (c) => {
    const { account_id, type } = c.req.valid("param");
    return c.json(await testIntegrationConfiguration(ctx(c), account_id, type, c.req.valid("json")), 200);
  },
);

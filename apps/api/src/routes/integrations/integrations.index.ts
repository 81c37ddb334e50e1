import { requireAdmin } from "../../middleware/authenticate";
import { testIntegration } from "../../services/integration-test";
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
  .openapi({ ...routes.testIntegration, middleware: [requireAdmin] }, async (c) => {
    const { account_id, id } = c.req.valid("param");
    return c.json(await testIntegration(ctx(c), account_id, id, c.req.valid("json")), 200);
  });

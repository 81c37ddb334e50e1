import { requireAdmin } from "../../middleware/authenticate";
import { createPortalLink, exchangePortalCode } from "../../services/portal-links";
import { createRouter, serviceContext as ctx } from "../router";
import * as routes from "./portal-links.routes";

export const portalLinksRouter = createRouter().openapi(
  { ...routes.createPortalLink, middleware: [requireAdmin] },
  async (c) => {
    const { account_id } = c.req.valid("param");
    const origin = new URL(c.req.url).origin;
    return c.json(await createPortalLink(ctx(c), account_id, c.req.valid("json"), origin), 201);
  },
);

/** Public (the code is the credential): mounted ahead of the token check of /herald/v2. */
export const portalSessionsRouter = createRouter().openapi(routes.createPortalSession, async (c) => {
  return c.json(await exchangePortalCode(c.var.services, c.req.valid("json").code), 200);
});

import { requireAdmin } from "../../middleware/authenticate";
import * as emails from "../../services/emails";
import { createRouter, serviceContext as ctx } from "../router";
import * as routes from "./emails.routes";

export const emailsRouter = createRouter()
  .openapi(routes.getCapturedEmails, async (c) => {
    const { account_id } = c.req.valid("param");
    const { limit } = c.req.valid("query");
    return c.json(await emails.listCapturedEmails(ctx(c), account_id, limit), 200);
  })
  .openapi({ ...routes.testEmail, middleware: [requireAdmin] }, async (c) => {
    const { account_id } = c.req.valid("param");
    return c.json(await emails.sendTestEmail(ctx(c), account_id, c.req.valid("json")), 200);
  });

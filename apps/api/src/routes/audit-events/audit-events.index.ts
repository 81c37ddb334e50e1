import { requireAdmin } from "../../middleware/authenticate";
import * as audit from "../../services/audit";
import { createRouter, serviceContext as ctx } from "../router";
import * as routes from "./audit-events.routes";

export const auditEventsRouter = createRouter().openapi(
  { ...routes.getAuditEvents, middleware: [requireAdmin] },
  async (c) => {
    const { account_id } = c.req.valid("param");
    return c.json(await audit.listAuditEvents(ctx(c), account_id, c.req.valid("query")), 200);
  },
);

import { requireAdmin } from "../../middleware/authenticate";
import * as jobs from "../../services/jobs";
import { createRouter, serviceContext as ctx } from "../router";
import * as routes from "./jobs.routes";

export const jobsRouter = createRouter()
  .openapi({ ...routes.recoverIntegration, middleware: [requireAdmin] }, async (c) => {
    const { account_id, id } = c.req.valid("param");
    return c.json(await jobs.startJob(ctx(c), account_id, id, "recover", c.req.valid("json")), 202);
  })
  .openapi({ ...routes.replayIntegration, middleware: [requireAdmin] }, async (c) => {
    const { account_id, id } = c.req.valid("param");
    return c.json(await jobs.startJob(ctx(c), account_id, id, "replay", c.req.valid("json")), 202);
  })
  .openapi(routes.getJob, async (c) => {
    const { account_id, job_id } = c.req.valid("param");
    return c.json(await jobs.getJob(ctx(c), account_id, job_id), 200);
  });

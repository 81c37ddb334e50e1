import { requireAdmin } from "../../middleware/authenticate";
import * as users from "../../services/users";
import { createRouter, serviceContext as ctx } from "../router";
import * as routes from "./users.routes";

export const usersRouter = createRouter()
  .openapi(routes.getAccountUsers, async (c) => {
    const { account_id } = c.req.valid("param");
    return c.json(await users.listUsers(ctx(c), account_id), 200);
  })
  .openapi(routes.getAccountUser, async (c) => {
    const { account_id, user_id } = c.req.valid("param");
    return c.json(await users.getUser(ctx(c), account_id, user_id), 200);
  })
  .openapi({ ...routes.putUser, middleware: [requireAdmin] }, async (c) => {
    const { account_id, user_id } = c.req.valid("param");
    const { user, created } = await users.putUser(ctx(c), account_id, user_id, c.req.valid("json"));
    return created ? c.json(user, 201) : c.json(user, 200);
  })
  .openapi({ ...routes.deleteUser, middleware: [requireAdmin] }, async (c) => {
    const { account_id, user_id } = c.req.valid("param");
    await users.deleteUser(ctx(c), account_id, user_id);
    return c.body(null, 204);
  });

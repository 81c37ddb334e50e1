import type { PutUserRequest, User, UserList } from "@herald/contracts";
import { deleteUser as deleteRow, findUser, listUsers as listRows, putUser as putRow, type UserRow } from "@herald/db";
import { ApiError } from "../errors";
import { audited } from "./audit";
import type { ServiceContext } from "./context";

// Herald extension: Alert Logic keeps users in AIMS; Herald needs their e-mail addresses for `user` subscribers.
// User ids are AIMS's, kept exactly as given (as subscribers keep them).

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    account_id: row.accountId,
    name: row.name,
    email: row.email,
    created: Math.floor(row.createdAt / 1000),
    modified: Math.floor(row.modifiedAt / 1000),
  };
}

export async function listUsers(ctx: ServiceContext, accountId: string): Promise<UserList> {
  return { users: (await listRows(ctx.services.db, accountId)).map(toUser) };
}

export async function getUser(ctx: ServiceContext, accountId: string, userId: string): Promise<User> {
  const row = await findUser(ctx.services.db, accountId, userId);
  if (!row) throw ApiError.notFound(`user '${userId}'`);
  return toUser(row);
}

/** Creates or replaces the user; `created` tells the handler which status to answer. */
export async function putUser(
  ctx: ServiceContext,
  accountId: string,
  userId: string,
  body: PutUserRequest,
): Promise<{ user: User; created: boolean }> {
  const result = await audited(ctx, accountId, async (trail) => {
    const now = ctx.services.now();
    const current = await findUser(ctx.services.db, accountId, userId);
    const after = { id: userId, account_id: accountId, name: body.name, email: body.email };
    const audit = await trail.record({
      action: current ? "user.updated" : "user.created",
      targetType: "user",
      targetId: userId,
      before: current && toUser(current),
      after: current ? { ...toUser(current), ...after } : after,
    });
    return putRow(ctx.services.db, { accountId, id: userId, name: body.name, email: body.email, now }, audit);
  });
  // The same answer as for a user that exists nowhere would be wrong (a PUT would seem to succeed), and moving it
  // would take it from its account: refuse, without saying which account holds it.
  if (result.kind === "other_account") throw ApiError.conflict(`user id '${userId}' belongs to another account`);
  return { user: toUser(result.row), created: result.kind === "created" };
}

export async function deleteUser(ctx: ServiceContext, accountId: string, userId: string): Promise<void> {
  const result = await audited(ctx, accountId, async (trail) => {
    const current = await findUser(ctx.services.db, accountId, userId);
    if (!current) return "not_found";
    const audit = await trail.record({
      action: "user.deleted",
      targetType: "user",
      targetId: userId,
      before: toUser(current),
    });
    return deleteRow(ctx.services.db, accountId, userId, audit);
  });
  if (result === "not_found") throw ApiError.notFound(`user '${userId}'`);
  if (result === "has_access_keys") {
    throw ApiError.conflict(`user '${userId}' holds access keys, which act as this user: it cannot be deleted`);
  }
}

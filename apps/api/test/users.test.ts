import type { RequestBody } from "@herald/client";
import { describe, expect, it } from "vitest";
import { ACME, call, expectHeraldError, GLOBEX, typedCall, unique } from "./helpers";
import { type SignedIn, signedIn } from "./setup/sessions";

const ACME_ID = ACME.accountId;
const GLOBEX_ID = GLOBEX.accountId;
/** The user the development seed gives ACME's admin key: it holds access keys. */
const ACME_ADMIN_USER = "D0C0FFEE-0000-4000-8000-000012345678";
const nowSeconds = () => Math.floor(Date.now() / 1000);

const { acme, globex, reader, writer } = signedIn("acme", "globex", "reader", "writer");

const usersPath = (accountId = ACME_ID) => `/herald/v2/${accountId}/users`;
const userPath = (id: string, accountId = ACME_ID) => `${usersPath(accountId)}/${encodeURIComponent(id)}`;
const userBody = (id: string, body: Record<string, unknown> = {}) => ({
  name: "Ada Lovelace",
  email: `${id.toLowerCase()}@example.com`,
  ...body,
});

/** PUT a user that must be stored, as `who` on its own account: the typed answer with its status (201 or 200). */
function saveUser(id: string, body: Partial<RequestBody<"put_user">> = {}, who: SignedIn = acme) {
  return typedCall(who, (herald) => herald.putUser(id, { ...userBody(id), ...body }));
}

/** PUT a user with a token on an account, whatever the answer (refusals). */
function putUser(id: string, body: Record<string, unknown> = {}, token = acme.token, accountId = ACME_ID) {
  return call("PUT", userPath(id, accountId), { token, body: userBody(id, body) });
}

/** Reads a user that must be there (200), as `who`. */
async function readUser(id: string, who: SignedIn = acme) {
  const { status, body } = await typedCall(who, (herald) => herald.getAccountUser(id));
  expect(status).toBe(200);
  return body;
}

describe("PUT /herald/v2/{account_id}/users/{user_id}", () => {
  it("creates a user: 201, then replaces it: 200 with the same creation time", async () => {
    const id = unique("user");
    const before = nowSeconds();
    const created = await saveUser(id, { name: "Ada", email: "ada@example.com" });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id,
      account_id: ACME_ID,
      name: "Ada",
      email: "ada@example.com",
      created: expect.any(Number),
      modified: created.body.created,
    });
    expect(created.body.created).toBeGreaterThanOrEqual(before - 1);

    const replaced = await saveUser(id, { name: "Ada King", email: "ada.king@example.com" });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id, account_id: ACME_ID, name: "Ada King", email: "ada.king@example.com" });
    expect(replaced.body.created).toBe(created.body.created);
    expect(replaced.body.modified).toBeGreaterThanOrEqual(created.body.modified);

    expect(await readUser(id)).toEqual(replaced.body);
  });

  it("keeps the user id exactly as given (AIMS ids are case-sensitive here, as in subscribers)", async () => {
    const id = `${unique("Mixed")}-CASE`;
    expect((await saveUser(id)).status).toBe(201);
    expect((await readUser(id)).id).toBe(id);
  });

  it("answers 409 for a user id that another account holds, and never moves it", async () => {
    const id = unique("globex-user");
    expect((await saveUser(id, { email: "g@example.com" }, globex)).status).toBe(201);

    const result = await putUser(id, { name: "Taken", email: "taken@example.com" });
    expectHeraldError(result, 409, "conflict");
    expect(result.body.details).not.toContain(GLOBEX_ID);

    expectHeraldError(await call("GET", userPath(id), { token: acme.token }), 404, "not_found");
    expect(await readUser(id, globex)).toMatchObject({
      account_id: GLOBEX_ID,
      name: "Ada Lovelace",
      email: "g@example.com",
    });
  });

  it.each([
    ["writer", () => writer.token],
    ["reader", () => reader.token],
  ])("answers 403 to a %s token, and stores nothing", async (_who, token) => {
    const id = unique("denied");
    expectHeraldError(await putUser(id, {}, token()), 403, "forbidden");
    expectHeraldError(await call("GET", userPath(id), { token: acme.token }), 404, "not_found");
  });

  it("answers 403 for another account's path", async () => {
    expectHeraldError(await putUser(unique("user"), {}, acme.token, GLOBEX_ID), 403, "forbidden");
  });

  it("answers 401 without a token", async () => {
    expectHeraldError(await putUser(unique("user"), {}, ""), 401, "unauthorized");
  });

  it.each([
    [{ name: "No e-mail" }, 400, "missing_required_property", "email"],
    [{ email: "no-name@example.com" }, 400, "missing_required_property", "name"],
    [{ name: "Bad", email: "not-an-address" }, 400, "invalid_value", undefined],
    [{ name: "   ", email: "blank@example.com" }, 400, "invalid_value", undefined],
    [{ name: 7, email: "typed@example.com" }, 400, "wrong_type", undefined],
  ])("validates the body: %j → %i %s", async (body, status, error, details) => {
    const id = unique("invalid");
    const result = await call("PUT", userPath(id), { token: acme.token, body });
    expectHeraldError(result, status, error);
    if (details) expect(result.body.details).toBe(details);
    expectHeraldError(await call("GET", userPath(id), { token: acme.token }), 404, "not_found");
  });
});

describe("GET /herald/v2/{account_id}/users[/{user_id}]", () => {
  it("lists the account's users only, to any role of the account", async () => {
    const mine = unique("listed");
    const theirs = unique("other");
    await saveUser(mine);
    await saveUser(theirs, {}, globex);

    for (const who of [acme, reader, writer]) {
      const result = await typedCall(who, (herald) => herald.getAccountUsers());
      expect(result.status).toBe(200);
      const ids = result.body.users.map((user) => user.id);
      expect(ids).toContain(mine);
      expect(ids).toContain(ACME_ADMIN_USER);
      expect(ids).not.toContain(theirs);
      for (const user of result.body.users) expect(user.account_id).toBe(ACME_ID);
    }
  });

  it("reads one user to a read-only token", async () => {
    const id = unique("readable");
    await saveUser(id);
    expect(await readUser(id, reader)).toMatchObject({ id, email: `${id}@example.com` });
  });

  it("answers 404 for another account's user through one's own path, 403 through theirs", async () => {
    const id = unique("hidden");
    await saveUser(id, {}, globex);
    expectHeraldError(await call("GET", userPath(id), { token: acme.token }), 404, "not_found");
    expectHeraldError(await call("GET", userPath(id, GLOBEX_ID), { token: acme.token }), 403, "forbidden");
    expectHeraldError(await call("GET", usersPath(GLOBEX_ID), { token: acme.token }), 403, "forbidden");
  });
});

describe("DELETE /herald/v2/{account_id}/users/{user_id}", () => {
  it("deletes a user: 204, then 404", async () => {
    const id = unique("gone");
    await saveUser(id);
    const result = await typedCall(acme, (herald) => herald.deleteUser(id));
    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();
    expectHeraldError(await call("GET", userPath(id), { token: acme.token }), 404, "not_found");
    expectHeraldError(await call("DELETE", userPath(id), { token: acme.token }), 404, "not_found");
    // Deleted means free: the id can be put again, as a new user.
    expect((await saveUser(id)).status).toBe(201);
  });

  it("answers 409 for a user that holds access keys, and keeps it", async () => {
    const result = await call("DELETE", userPath(ACME_ADMIN_USER), { token: acme.token });
    expectHeraldError(result, 409, "conflict");
    expect((await readUser(ACME_ADMIN_USER)).id).toBe(ACME_ADMIN_USER);
  });

  it("never deletes another account's user", async () => {
    const id = unique("kept");
    await saveUser(id, {}, globex);
    expectHeraldError(await call("DELETE", userPath(id), { token: acme.token }), 404, "not_found");
    expectHeraldError(await call("DELETE", userPath(id, GLOBEX_ID), { token: acme.token }), 403, "forbidden");
    expect((await readUser(id, globex)).id).toBe(id);
  });

  it.each([
    ["writer", () => writer.token],
    ["reader", () => reader.token],
  ])("answers 403 to a %s token", async (_who, token) => {
    const id = unique("guarded");
    await saveUser(id);
    expectHeraldError(await call("DELETE", userPath(id), { token: token() }), 403, "forbidden");
    expect((await readUser(id)).id).toBe(id);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { ACME, ACME_READER, ACME_WRITER, call, expectHeraldError, GLOBEX, login, unique } from "./helpers";

const ACME_ID = ACME.accountId;
const GLOBEX_ID = GLOBEX.accountId;
/** The user the development seed gives ACME's admin key: it holds access keys. */
const ACME_ADMIN_USER = "D0C0FFEE-0000-4000-8000-000012345678";
const nowSeconds = () => Math.floor(Date.now() / 1000);

let acme: string;
let globex: string;
let reader: string;
let writer: string;

beforeAll(async () => {
  [acme, globex, reader, writer] = await Promise.all([
    login(ACME),
    login(GLOBEX),
    login(ACME_READER),
    login(ACME_WRITER),
  ]);
});

const usersPath = (accountId = ACME_ID) => `/herald/v2/${accountId}/users`;
const userPath = (id: string, accountId = ACME_ID) => `${usersPath(accountId)}/${encodeURIComponent(id)}`;

async function putUser(id: string, body: Record<string, unknown> = {}, token = acme, accountId = ACME_ID) {
  return call("PUT", userPath(id, accountId), {
    token,
    body: { name: "Ada Lovelace", email: `${id.toLowerCase()}@example.com`, ...body },
  });
}

describe("PUT /herald/v2/{account_id}/users/{user_id}", () => {
  it("creates a user: 201, then replaces it: 200 with the same creation time", async () => {
    const id = unique("user");
    const before = nowSeconds();
    const created = await putUser(id, { name: "Ada", email: "ada@example.com" });
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

    const replaced = await putUser(id, { name: "Ada King", email: "ada.king@example.com" });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id, account_id: ACME_ID, name: "Ada King", email: "ada.king@example.com" });
    expect(replaced.body.created).toBe(created.body.created);
    expect(replaced.body.modified).toBeGreaterThanOrEqual(created.body.modified);

    const read = await call("GET", userPath(id), { token: acme });
    expect(read.body).toEqual(replaced.body);
  });

  it("keeps the user id exactly as given (AIMS ids are case-sensitive here, as in subscribers)", async () => {
    const id = `${unique("Mixed")}-CASE`;
    expect((await putUser(id)).status).toBe(201);
    expect((await call("GET", userPath(id), { token: acme })).body.id).toBe(id);
  });

  it("answers 409 for a user id that another account holds, and never moves it", async () => {
    const id = unique("globex-user");
    expect((await putUser(id, { email: "g@example.com" }, globex, GLOBEX_ID)).status).toBe(201);

    const result = await putUser(id, { name: "Taken", email: "taken@example.com" });
    expectHeraldError(result, 409, "conflict");
    expect(result.body.details).not.toContain(GLOBEX_ID);

    expectHeraldError(await call("GET", userPath(id), { token: acme }), 404, "not_found");
    const theirs = await call("GET", userPath(id, GLOBEX_ID), { token: globex });
    expect(theirs.status).toBe(200);
    expect(theirs.body).toMatchObject({ account_id: GLOBEX_ID, name: "Ada Lovelace", email: "g@example.com" });
  });

  it.each([
    ["writer", () => writer],
    ["reader", () => reader],
  ])("answers 403 to a %s token, and stores nothing", async (_who, token) => {
    const id = unique("denied");
    expectHeraldError(await putUser(id, {}, token()), 403, "forbidden");
    expectHeraldError(await call("GET", userPath(id), { token: acme }), 404, "not_found");
  });

  it("answers 403 for another account's path", async () => {
    expectHeraldError(await putUser(unique("user"), {}, acme, GLOBEX_ID), 403, "forbidden");
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
    const result = await call("PUT", userPath(id), { token: acme, body });
    expectHeraldError(result, status, error);
    if (details) expect(result.body.details).toBe(details);
    expectHeraldError(await call("GET", userPath(id), { token: acme }), 404, "not_found");
  });
});

describe("GET /herald/v2/{account_id}/users[/{user_id}]", () => {
  it("lists the account's users only, to any role of the account", async () => {
    const mine = unique("listed");
    const theirs = unique("other");
    await putUser(mine);
    await putUser(theirs, {}, globex, GLOBEX_ID);

    for (const token of [acme, reader, writer]) {
      const result = await call("GET", usersPath(), { token });
      expect(result.status).toBe(200);
      const ids = result.body.users.map((user: { id: string }) => user.id);
      expect(ids).toContain(mine);
      expect(ids).toContain(ACME_ADMIN_USER);
      expect(ids).not.toContain(theirs);
      for (const user of result.body.users) expect(user.account_id).toBe(ACME_ID);
    }
  });

  it("reads one user to a read-only token", async () => {
    const id = unique("readable");
    await putUser(id);
    const result = await call("GET", userPath(id), { token: reader });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ id, email: `${id}@example.com` });
  });

  it("answers 404 for another account's user through one's own path, 403 through theirs", async () => {
    const id = unique("hidden");
    await putUser(id, {}, globex, GLOBEX_ID);
    expectHeraldError(await call("GET", userPath(id), { token: acme }), 404, "not_found");
    expectHeraldError(await call("GET", userPath(id, GLOBEX_ID), { token: acme }), 403, "forbidden");
    expectHeraldError(await call("GET", usersPath(GLOBEX_ID), { token: acme }), 403, "forbidden");
  });
});

describe("DELETE /herald/v2/{account_id}/users/{user_id}", () => {
  it("deletes a user: 204, then 404", async () => {
    const id = unique("gone");
    await putUser(id);
    const result = await call("DELETE", userPath(id), { token: acme });
    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();
    expectHeraldError(await call("GET", userPath(id), { token: acme }), 404, "not_found");
    expectHeraldError(await call("DELETE", userPath(id), { token: acme }), 404, "not_found");
    // Deleted means free: the id can be put again, as a new user.
    expect((await putUser(id)).status).toBe(201);
  });

  it("answers 409 for a user that holds access keys, and keeps it", async () => {
    const result = await call("DELETE", userPath(ACME_ADMIN_USER), { token: acme });
    expectHeraldError(result, 409, "conflict");
    expect((await call("GET", userPath(ACME_ADMIN_USER), { token: acme })).status).toBe(200);
  });

  it("never deletes another account's user", async () => {
    const id = unique("kept");
    await putUser(id, {}, globex, GLOBEX_ID);
    expectHeraldError(await call("DELETE", userPath(id), { token: acme }), 404, "not_found");
    expectHeraldError(await call("DELETE", userPath(id, GLOBEX_ID), { token: acme }), 403, "forbidden");
    expect((await call("GET", userPath(id, GLOBEX_ID), { token: globex })).status).toBe(200);
  });

  it.each([
    ["writer", () => writer],
    ["reader", () => reader],
  ])("answers 403 to a %s token", async (_who, token) => {
    const id = unique("guarded");
    await putUser(id);
    expectHeraldError(await call("DELETE", userPath(id), { token: token() }), 403, "forbidden");
    expect((await call("GET", userPath(id), { token: acme })).status).toBe(200);
  });
});

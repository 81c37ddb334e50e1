import { describe, expect, it } from "vitest";
import { call, expectHeraldError, GLOBEX } from "./helpers";
import * as integrations from "./setup/integrations";
import { signedIn } from "./setup/sessions";

// Who may do what to integrations: only an account's admins change them, any member reads them, callers without a
// token get 401, and another account sees 403 through its own path and 404 through ours.

const GLOBEX_ID = GLOBEX.accountId;

const { acme, globex, reader, writer } = signedIn("acme", "globex", "reader", "writer");

const nonAdmins = [
  ["writer", () => writer],
  ["reader", () => reader],
] as const;

describe("GET /herald/v2/integration_types", () => {
  it("answers 401 without a token", async () => {
    expectHeraldError(await call("GET", "/herald/v2/integration_types"), 401, "unauthorized");
  });
});

describe("POST /herald/v2/{account_id}/integrations", () => {
  it.each(nonAdmins)("answers 403 to a %s token, and stores nothing", async (_who, who) => {
    const body = integrations.webhook({ target_url: "https://hooks.example.com/x" });
    expectHeraldError(await integrations.post(who(), body), 403, "forbidden");
    expect(await integrations.names(acme)).not.toContain(body.name);
  });

  it("answers 403 for another account, and stores nothing there", async () => {
    const body = integrations.webhook({ target_url: "https://hooks.example.com/x" });
    expectHeraldError(await integrations.post(acme, body, GLOBEX_ID), 403, "forbidden");
    expect(await integrations.names(globex)).not.toContain(body.name);
  });
});

describe("GET /herald/v2/{account_id}/integrations", () => {
  it("lets a read-only member list", async () => {
    const created = await integrations.create(acme);
    expect(await integrations.names(reader)).toContain(created.name);
  });

  it("never lists another account's integrations", async () => {
    const mine = await integrations.create(acme);
    const theirs = await integrations.create(globex);
    const acmeNames = await integrations.names(acme);
    const globexNames = await integrations.names(globex);
    expect(acmeNames).toContain(mine.name);
    expect(acmeNames).not.toContain(theirs.name);
    expect(globexNames).toContain(theirs.name);
    expect(globexNames).not.toContain(mine.name);
  });

  it("answers 403 for another account", async () => {
    const result = await call("GET", integrations.path(GLOBEX_ID), { token: acme.token });
    expectHeraldError(result, 403, "forbidden");
  });
});

describe("GET /herald/v2/{account_id}/integrations/{id}", () => {
  it("answers 403 on another account's path", async () => {
    const theirs = await integrations.create(globex);
    expectHeraldError(await integrations.get(acme, theirs.id, GLOBEX_ID), 403, "forbidden");
  });

  it("answers 404 on my path with another account's id", async () => {
    const theirs = await integrations.create(globex);
    expectHeraldError(await integrations.get(acme, theirs.id), 404, "not_found");
  });
});

describe("PUT /herald/v2/{account_id}/integrations/{id}", () => {
  it.each(nonAdmins)("answers 403 to a %s token, and changes nothing", async (_who, who) => {
    const created = await integrations.create(acme);
    const result = await integrations.put(who(), created.id, { name: "Hijacked" });
    expectHeraldError(result, 403, "forbidden");
    expect((await integrations.read(acme, created.id)).name).toBe(created.name);
  });

  it("answers 403 on another account's path and 404 for its id on mine; nothing changes", async () => {
    const theirs = await integrations.create(globex);
    const hijack = { name: "Hijacked" };
    expectHeraldError(await integrations.put(acme, theirs.id, hijack, GLOBEX_ID), 403, "forbidden");
    expectHeraldError(await integrations.put(acme, theirs.id, hijack), 404, "not_found");
    expect((await integrations.read(globex, theirs.id)).name).toBe(theirs.name);
  });
});

describe("DELETE /herald/v2/{account_id}/integrations/{id}", () => {
  it.each(nonAdmins)("answers 403 to a %s token, and deletes nothing", async (_who, who) => {
    const created = await integrations.create(acme);
    expectHeraldError(await integrations.remove(who(), created.id), 403, "forbidden");
    expect((await integrations.read(acme, created.id)).id).toBe(created.id);
  });

  it("answers 403 on another account's path and 404 for its id on mine; nothing is deleted", async () => {
    const theirs = await integrations.create(globex);
    expectHeraldError(await integrations.remove(acme, theirs.id, GLOBEX_ID), 403, "forbidden");
    expectHeraldError(await integrations.remove(acme, theirs.id), 404, "not_found");
    expect((await integrations.read(globex, theirs.id)).id).toBe(theirs.id);
  });
});

import { describe, expect, it } from "vitest";
import { ACME, call, expectError, typedCall, unique } from "./helpers";
import { createIntegration, createSubscription, ids, sparse, subscriptionBody } from "./setup/fixtures";
import { signedIn } from "./setup/sessions";
import * as subscriptions from "./setup/subscriptions";

// Who may do what to subscriptions: the write and read-only roles, callers without a token, and another account,
// which sees 403 through its own path and 404 through ours (contract §2.2.11–2.2.16, §3.5, §3.12–3.15).

const { acme, writer, reader, globex } = signedIn("acme", "writer", "reader", "globex");

describe("POST /{account_id}/subscriptions (create)", () => {
  it("lets a write-role key create, stamping its own user", async () => {
    const created = await createSubscription(writer);
    expect(created.account_id).toBe(ACME.accountId);
    expect(created.created.by).toBe(writer.userId);
    expect(created.created.by).not.toBe(acme.userId);
  });

  it("lists connections that are not integrations of the account in subscribers_failed and adds the rest", async () => {
    const unknownConnection = crypto.randomUUID().toUpperCase();
    const globexIntegration = await createIntegration(globex);
    const user = crypto.randomUUID().toUpperCase();
    const result = await typedCall(acme, (herald) =>
      herald.createSubscription(
        subscriptionBody({
          subscribers: [
            { subscriber: unknownConnection, subscriber_type: "connection" },
            { subscriber: user, subscriber_type: "user" },
            { subscriber: globexIntegration, subscriber_type: "connection" },
          ],
        }),
      ),
    );
    expect(result.status).toBe(201);
    expect(result.body.subscriber_count).toBe(1);
    expect(result.body.subscribers).toEqual([expect.objectContaining({ subscriber: user, subscriber_type: "user" })]);
    expect(result.body.subscribers_failed).toHaveLength(2);
    expect(result.body.subscribers_failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subscriber: unknownConnection, subscriber_type: "connection", error: "not_found" }),
        expect.objectContaining({ subscriber: globexIntegration, subscriber_type: "connection", error: "not_found" }),
      ]),
    );

    const fetched = await subscriptions.read(acme, result.body.id, { include_subscribers: true });
    expect(fetched.subscribers?.map((s) => s.subscriber)).toEqual([user]);
    expect(fetched).not.toHaveProperty("subscribers_failed");
  });

  it("refuses a read-only key with 403 and creates nothing", async () => {
    const name = unique("by-reader");
    const result = await call("POST", subscriptions.path(reader), { token: reader.token, body: sparse({ name }) });
    expectError(result, 403, "forbidden");
    expect((await subscriptions.list(acme)).filter((s) => s.name === name)).toEqual([]);
  });

  it("refuses to create in another account (403) and creates nothing there", async () => {
    const name = unique("intruder");
    const result = await call("POST", subscriptions.path(globex), { token: acme.token, body: sparse({ name }) });
    expectError(result, 403, "forbidden");
    expect((await subscriptions.list(globex)).filter((s) => s.name === name)).toEqual([]);
  });

  it("refuses a request without a token (401)", async () => {
    const result = await call("POST", subscriptions.path(acme), { body: sparse() });
    expectError(result, 401, "unauthorized");
  });
});

describe("GET /{account_id}/subscriptions (list)", () => {
  it("never shows another account's subscriptions", async () => {
    const cls = unique("cls");
    const theirs = await createSubscription(globex, { class: cls });
    const mine = await createSubscription(acme, { class: cls });
    const listed = await subscriptions.list(acme);
    expect(ids(listed)).toContain(mine.id);
    expect(ids(listed)).not.toContain(theirs.id);
    for (const s of listed) expect(s.account_id).toBe(ACME.accountId);
    expect(ids(await subscriptions.list(acme, { class: cls }))).toEqual([mine.id]);
    expect(ids(await subscriptions.list(globex, { class: cls }))).toEqual([theirs.id]);
  });

  it("lets a read-only key list", async () => {
    const mine = await createSubscription(acme);
    expect(ids(await subscriptions.list(reader))).toContain(mine.id);
  });

  it("refuses another account's list (403)", async () => {
    const result = await call("GET", subscriptions.path(globex), { token: acme.token });
    expectError(result, 403, "forbidden");
  });
});

describe("GET /{account_id}/subscriptions/{id}", () => {
  it("lets a read-only key read", async () => {
    const created = await createSubscription(acme);
    expect((await subscriptions.read(reader, created.id)).id).toBe(created.id);
  });

  it("hides another account's subscription: 403 through its path, 404 through mine", async () => {
    const theirs = await createSubscription(globex);
    expectError(
      await call("GET", `${subscriptions.path(globex)}/${theirs.id}`, { token: acme.token }),
      403,
      "forbidden",
    );
    expectError(await subscriptions.get(acme, theirs.id), 404, "not_found");
    expect((await subscriptions.read(globex, theirs.id)).id).toBe(theirs.id);
  });
});

describe("POST /{account_id}/subscriptions/{id} (update)", () => {
  it("refuses a read-only key (403) and changes nothing", async () => {
    const created = await createSubscription(acme);
    const result = await call("POST", `${subscriptions.path(reader)}/${created.id}`, {
      token: reader.token,
      body: { active: false },
    });
    expectError(result, 403, "forbidden");
    expect((await subscriptions.read(acme, created.id)).active).toBe(true);
  });

  it("cannot touch another account's subscription: 403 through its path, 404 through mine", async () => {
    const theirs = await createSubscription(globex);
    expectError(
      await call("POST", `${subscriptions.path(globex)}/${theirs.id}`, { token: acme.token, body: { active: false } }),
      403,
      "forbidden",
    );
    expectError(
      await call("POST", `${subscriptions.path(acme)}/${theirs.id}`, { token: acme.token, body: { active: false } }),
      404,
      "not_found",
    );
    expect((await subscriptions.read(globex, theirs.id)).active).toBe(true);
  });
});

describe("DELETE /{account_id}/subscriptions/{id}", () => {
  it("lets a write-role key delete", async () => {
    const created = await createSubscription(acme);
    expect((await typedCall(writer, (herald) => herald.deleteSubscription(created.id))).status).toBe(204);
  });

  it("refuses a read-only key (403) and keeps the subscription", async () => {
    const created = await createSubscription(acme);
    expectError(
      await call("DELETE", `${subscriptions.path(reader)}/${created.id}`, { token: reader.token }),
      403,
      "forbidden",
    );
    expect((await subscriptions.read(acme, created.id)).id).toBe(created.id);
  });

  it("cannot delete another account's subscription: 403 through its path, 404 through mine", async () => {
    const theirs = await createSubscription(globex);
    expectError(
      await call("DELETE", `${subscriptions.path(globex)}/${theirs.id}`, { token: acme.token }),
      403,
      "forbidden",
    );
    expectError(
      await call("DELETE", `${subscriptions.path(acme)}/${theirs.id}`, { token: acme.token }),
      404,
      "not_found",
    );
    expect((await subscriptions.read(globex, theirs.id)).id).toBe(theirs.id);
  });
});

describe("POST /{account_id}/subscriptions/batch/delete", () => {
  it("does not delete another account's subscription and reports it as unprocessed", async () => {
    const mine = await createSubscription(acme);
    const theirs = await createSubscription(globex, {
      subscribers: [{ subscriber: crypto.randomUUID().toUpperCase(), subscriber_type: "user" }],
    });
    const result = await subscriptions.batchDelete(acme, { ids: [mine.id, theirs.id] });
    expectError(result, 400, "delete_failed");
    expect(result.body.unprocessed_items).toEqual([{ id: theirs.id, error: "not_found" }]);
    expect((await subscriptions.get(acme, mine.id)).status).toBe(404);

    const still = await subscriptions.read(globex, theirs.id, { include_subscribers: true });
    expect(still.subscriber_count).toBe(1);
  });

  it("refuses a read-only key (403) and deletes nothing", async () => {
    const created = await createSubscription(acme);
    expectError(await subscriptions.batchDelete(reader, { ids: [created.id] }), 403, "forbidden");
    expect((await subscriptions.read(acme, created.id)).id).toBe(created.id);
  });

  it("refuses another account's path (403) and deletes nothing", async () => {
    const theirs = await createSubscription(globex);
    const result = await call("POST", `${subscriptions.path(globex)}/batch/delete`, {
      token: acme.token,
      body: { ids: [theirs.id] },
    });
    expectError(result, 403, "forbidden");
    expect((await subscriptions.read(globex, theirs.id)).id).toBe(theirs.id);
  });
});

import { describe, expect, it } from "vitest";
import { ACME, call, expectError, GLOBEX } from "./helpers";
import { connection, createIntegration, newUserId, subscriptionWith, user } from "./setup/fixtures";
import { signedIn } from "./setup/sessions";
import * as subscribers from "./setup/subscribers";

// Who may change a subscription's subscribers: the read-only role may list only, and another account sees 403 through
// its own path and 404 through ours, nor can it delete our integrations out of subscriptions (contract §2.2.6–2.2.9).

const { acme, reader, globex } = signedIn("acme", "reader", "globex");

describe("GET .../subscriptions/{id}/subscribers", () => {
  it("lets a read-only key list", async () => {
    const person = newUserId();
    const subscriptionId = await subscriptionWith(acme, [user(person)]);
    expect(await subscribers.keys(reader, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("hides another account's subscription: 403 through its path, 404 through mine", async () => {
    const theirs = await subscriptionWith(globex, [user(newUserId())]);
    expectError(await call("GET", subscribers.path(globex, theirs), { token: acme.token }), 403, "forbidden");
    expectError(await call("GET", subscribers.path(acme, theirs), { token: acme.token }), 404, "not_found");
  });
});

describe("POST .../subscriptions/{id}/subscribers (add)", () => {
  it("refuses a read-only key (403) and adds nothing", async () => {
    const subscriptionId = await subscriptionWith(acme);
    expectError(await subscribers.add(reader, subscriptionId, user(newUserId())), 403, "forbidden");
    expect(await subscribers.list(acme, subscriptionId)).toEqual([]);
  });

  it("cannot add to another account's subscription: 403 through its path, 404 through mine", async () => {
    const theirs = await subscriptionWith(globex);
    expectError(
      await call("POST", subscribers.path(globex, theirs), { token: acme.token, body: user(newUserId()) }),
      403,
      "forbidden",
    );
    expectError(await subscribers.add(acme, theirs, user(newUserId())), 404, "not_found");
    expect(await subscribers.list(globex, theirs)).toEqual([]);
  });
});

describe("DELETE .../subscriptions/{id}/subscribers/{subscriber_type}/{subscriber} (remove)", () => {
  it("refuses a read-only key (403) and removes nothing", async () => {
    const person = newUserId();
    const subscriptionId = await subscriptionWith(acme, [user(person)]);
    expectError(await subscribers.remove(reader, subscriptionId, "user", person), 403, "forbidden");
    expect(await subscribers.keys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("cannot remove from another account's subscription: 403 through its path, 404 through mine", async () => {
    const person = newUserId();
    const theirs = await subscriptionWith(globex, [user(person)]);
    expectError(
      await call("DELETE", `${subscribers.path(globex, theirs)}/user/${person}`, { token: acme.token }),
      403,
      "forbidden",
    );
    expectError(await subscribers.remove(acme, theirs, "user", person), 404, "not_found");
    expect(await subscribers.keys(globex, theirs)).toEqual([`user:${person}`]);
  });
});

describe("POST .../subscriptions/{id}/subscribers/batch/update", () => {
  it("refuses a read-only key (403) and changes nothing", async () => {
    const person = newUserId();
    const subscriptionId = await subscriptionWith(acme, [user(person)]);
    const result = await subscribers.batch(reader, subscriptionId, {
      subscribers: [
        { ...user(person), action: "delete" },
        { ...user(newUserId()), action: "add" },
      ],
    });
    expectError(result, 403, "forbidden");
    expect(await subscribers.keys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("cannot change another account's subscription: 403 through its path, 404 through mine", async () => {
    const person = newUserId();
    const theirs = await subscriptionWith(globex, [user(person)]);
    const body = { subscribers: [{ ...user(person), action: "delete" }] };
    expectError(
      await call("POST", `${subscribers.path(globex, theirs)}/batch/update`, { token: acme.token, body }),
      403,
      "forbidden",
    );
    expectError(await subscribers.batch(acme, theirs, body), 404, "not_found");
    expect(await subscribers.keys(globex, theirs)).toEqual([`user:${person}`]);
  });
});

describe("deleting an integration", () => {
  it("cannot be done to another account's integration, whose subscriptions keep it", async () => {
    const theirs = await createIntegration(globex);
    const subscriptionId = await subscriptionWith(globex, [connection(theirs)]);
    expectError(
      await call("DELETE", `/herald/v2/${ACME.accountId}/integrations/${theirs}`, { token: acme.token }),
      404,
      "not_found",
    );
    expectError(
      await call("DELETE", `/herald/v2/${GLOBEX.accountId}/integrations/${theirs}`, { token: acme.token }),
      403,
      "forbidden",
    );
    expect(await subscribers.keys(globex, subscriptionId)).toEqual([`connection:${theirs}`]);
  });
});

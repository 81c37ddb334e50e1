import type { Subscriber } from "@herald/contracts";
import { describe, expect, it } from "vitest";
import { ACME, ACME_READER, call, expectError, GLOBEX, type Session } from "./helpers";
import {
  connection,
  createIntegration,
  listSubscribers,
  newUserId,
  removeSubscriber,
  subscriberKeys,
  subscribersPath,
  subscriptionWith,
  user,
} from "./setup/fixtures";
import { signedIn } from "./setup/sessions";

// Who may change a subscription's subscribers: the read-only role may list only, and another account sees 403 through
// its own path and 404 through ours, nor can it delete our integrations out of subscriptions (contract §2.2.6–2.2.9).

const { acme, reader, globex } = signedIn({ acme: ACME, reader: ACME_READER, globex: GLOBEX });

describe("GET .../subscriptions/{id}/subscribers", () => {
  it("lets a read-only key list", async () => {
    const person = newUserId();
    const subscriptionId = await subscriptionWith(acme, [user(person)]);
    expect(await subscriberKeys(reader, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("hides another account's subscription: 403 through its path, 404 through mine", async () => {
    const theirs = await subscriptionWith(globex, [user(newUserId())]);
    expectError(await call("GET", subscribersPath(globex, theirs), { token: acme.token }), 403, "forbidden");
    expectError(await call("GET", subscribersPath(acme, theirs), { token: acme.token }), 404, "not_found");
  });
});

describe("POST .../subscriptions/{id}/subscribers (add)", () => {
  const add = (s: Session, subscriptionId: string, body: unknown) =>
    call<Subscriber>("POST", subscribersPath(s, subscriptionId), { token: s.token, body });

  it("refuses a read-only key (403) and adds nothing", async () => {
    const subscriptionId = await subscriptionWith(acme);
    expectError(await add(reader, subscriptionId, user(newUserId())), 403, "forbidden");
    expect(await listSubscribers(acme, subscriptionId)).toEqual([]);
  });

  it("cannot add to another account's subscription: 403 through its path, 404 through mine", async () => {
    const theirs = await subscriptionWith(globex);
    expectError(
      await call("POST", subscribersPath(globex, theirs), { token: acme.token, body: user(newUserId()) }),
      403,
      "forbidden",
    );
    expectError(await add(acme, theirs, user(newUserId())), 404, "not_found");
    expect(await listSubscribers(globex, theirs)).toEqual([]);
  });
});

describe("DELETE .../subscriptions/{id}/subscribers/{subscriber_type}/{subscriber} (remove)", () => {
  it("refuses a read-only key (403) and removes nothing", async () => {
    const person = newUserId();
    const subscriptionId = await subscriptionWith(acme, [user(person)]);
    expectError(await removeSubscriber(reader, subscriptionId, "user", person), 403, "forbidden");
    expect(await subscriberKeys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("cannot remove from another account's subscription: 403 through its path, 404 through mine", async () => {
    const person = newUserId();
    const theirs = await subscriptionWith(globex, [user(person)]);
    expectError(
      await call("DELETE", `${subscribersPath(globex, theirs)}/user/${person}`, { token: acme.token }),
      403,
      "forbidden",
    );
    expectError(await removeSubscriber(acme, theirs, "user", person), 404, "not_found");
    expect(await subscriberKeys(globex, theirs)).toEqual([`user:${person}`]);
  });
});

describe("POST .../subscriptions/{id}/subscribers/batch/update", () => {
  const batch = (s: Session, subscriptionId: string, body: unknown) =>
    call("POST", `${subscribersPath(s, subscriptionId)}/batch/update`, { token: s.token, body });

  it("refuses a read-only key (403) and changes nothing", async () => {
    const person = newUserId();
    const subscriptionId = await subscriptionWith(acme, [user(person)]);
    const result = await batch(reader, subscriptionId, {
      subscribers: [
        { ...user(person), action: "delete" },
        { ...user(newUserId()), action: "add" },
      ],
    });
    expectError(result, 403, "forbidden");
    expect(await subscriberKeys(acme, subscriptionId)).toEqual([`user:${person}`]);
  });

  it("cannot change another account's subscription: 403 through its path, 404 through mine", async () => {
    const person = newUserId();
    const theirs = await subscriptionWith(globex, [user(person)]);
    const body = { subscribers: [{ ...user(person), action: "delete" }] };
    expectError(
      await call("POST", `${subscribersPath(globex, theirs)}/batch/update`, { token: acme.token, body }),
      403,
      "forbidden",
    );
    expectError(await batch(acme, theirs, body), 404, "not_found");
    expect(await subscriberKeys(globex, theirs)).toEqual([`user:${person}`]);
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
    expect(await subscriberKeys(globex, subscriptionId)).toEqual([`connection:${theirs}`]);
  });
});

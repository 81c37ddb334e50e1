import { env } from "cloudflare:test";
import type { HeraldClient, QueryParams, Schemas } from "@herald/client";
import { auditEvents, verifyAuditChain } from "@herald/db";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createServices } from "../src/services/container";
import {
  ACME,
  ACME_READER,
  ACME_WRITER,
  call,
  expectError,
  GLOBEX,
  PLATFORM,
  type Session,
  typedCall,
  unique,
} from "./helpers";
import {
  connection,
  createIntegration,
  subscriptionBody,
  subscriptionsPath,
  subscriptionWith,
  user,
} from "./setup/fixtures";
import { signedIn } from "./setup/sessions";

// The audit log end to end in workerd: every kind of audited change leaves one entry (who, which key and token, what
// changed, credentials masked) written with the change; refused changes leave none; the listing pages and filters,
// is admin-only and account-isolated; and the chain holds under concurrent writes.

const { acme, globex, reader, writer, platform } = signedIn({
  acme: ACME,
  globex: GLOBEX,
  reader: ACME_READER,
  writer: ACME_WRITER,
  platform: PLATFORM,
});

const auditPath = (s: Session) => `/herald/v2/${s.accountId}/audit_events`;

type AuditEvent = Schemas["Audit-Event"];

async function audit(s: Session, query: QueryParams<"get_audit_events"> = {}) {
  const result = await typedCall(s, (herald) => herald.getAuditEvents(query));
  expect(result.status).toBe(200);
  return result.body;
}

/** The target's entries, oldest first. */
async function entriesOf(s: Session, targetId: string): Promise<AuditEvent[]> {
  return (await audit(s, { target_id: targetId, sort: "asc" })).audit_events;
}

/** The claims of a token Herald issued (the test reads what the audit log should name it by). */
function claims(token: string): { jti: string; key: string } {
  const payload = token.split(".")[1] as string;
  return JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/")));
}

/** The stored rows of the target's entries, as the database holds them. */
async function storedEntries(targetId: string) {
  return createServices(env).db.select().from(auditEvents).where(eq(auditEvents.targetId, targetId));
}

describe("audited changes", () => {
  it("integrations: created, updated, secret rotated, deleted; who, which key and token; credentials masked", async () => {
    const bearer = `Bearer ${crypto.randomUUID()}`;
    const created = await typedCall(acme, (herald) =>
      herald.createIntegration({
        name: unique("hook"),
        target_url: "https://hooks.example.com/a",
        headers: { Authorization: bearer },
      }),
    );
    expect(created.status).toBe(201);
    const id = created.body.id;
    const newBearer = `Bearer ${crypto.randomUUID()}`;
    const updated = await typedCall(acme, (herald) =>
      herald.updateIntegration(id, { name: "renamed", headers: { Authorization: newBearer } }),
    );
    expect(updated.status).toBe(200);
    const before = await typedCall(acme, (herald) => herald.getIntegrationSecret(id));
    const rotated = await typedCall(acme, (herald) => herald.rotateIntegrationSecret(id));
    expect(rotated.status).toBe(200);
    expect((await typedCall(acme, (herald) => herald.deleteIntegration(id))).status).toBe(204);

    const entries = await entriesOf(acme, id);
    expect(entries.map((e) => e.action)).toEqual([
      "integration.created",
      "integration.updated",
      "integration.secret_rotated",
      "integration.deleted",
    ]);
    const { jti, key } = claims(acme.token);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        account_id: ACME.accountId,
        actor: acme.userId,
        access_key_id: ACME.keyId,
        token_id: jti,
        target_type: "integration",
        target_id: id,
      });
    }
    expect(key).toBe(ACME.keyId);
    const [create, update, rotation, deletion] = entries as [AuditEvent, AuditEvent, AuditEvent, AuditEvent];
    expect(create.changes.before).toBeUndefined();
    expect(create.changes.after).toMatchObject({ id, headers: { Authorization: `****${bearer.slice(-4)}` } });
    expect(create.changes.after).not.toHaveProperty("created");
    // `header` is Alert Logic's name for the same headers, answered beside `headers`.
    const was = { Authorization: `****${bearer.slice(-4)}` };
    const is = { Authorization: `****${newBearer.slice(-4)}` };
    expect(update.changes).toEqual({
      before: { name: created.body.name, headers: was, header: was },
      after: { name: "renamed", headers: is, header: is },
    });
    expect(rotation.changes).toEqual({
      before: { signing_secret: `****${before.body.key.slice(-4)}` },
      after: {
        signing_secret: `****${rotated.body.key.slice(-4)}`,
        previous_key_expires_at: rotated.body.previous_key_expires_at,
      },
    });
    expect(deletion.changes).toEqual({
      before: { id, name: "renamed", type: "webhook", target_url: "https://hooks.example.com/a" },
    });

    // Neither the answer nor the stored rows hold a credential, a signing secret or the token.
    const stored = JSON.stringify(await storedEntries(id));
    for (const text of [JSON.stringify(entries), stored]) {
      for (const secret of [bearer, newBearer, before.body.key, rotated.body.key, acme.token]) {
        expect(text).not.toContain(secret.slice(7));
      }
    }
  });

  it("subscriptions and subscribers: created, updated, subscriber added and removed, batch update, deleted", async () => {
    const integration = await createIntegration(acme);
    const first = crypto.randomUUID().toUpperCase();
    const second = crypto.randomUUID().toUpperCase();
    const created = await typedCall(writer, (herald) =>
      herald.createSubscription({
        name: unique("sub"),
        class: "event",
        notification_type: "incidents/alerts",
        subscribers: [user(first)],
      }),
    );
    expect(created.status).toBe(201);
    const id = created.body.id;
    const byWriter = <T>(act: (herald: HeraldClient) => Promise<T>) => typedCall(writer, act);
    expect((await byWriter((herald) => herald.updateSubscription(id, { active: false }))).status).toBe(200);
    const added = await byWriter((herald) => herald.addSubscriber(id, connection(integration)));
    expect(added.status).toBe(201);
    const removed = await byWriter((herald) => herald.removeSubscriber(id, "user", first));
    expect(removed.status).toBe(204);
    const addSecond = (herald: HeraldClient) =>
      herald.batchUpdateSubscribers(id, { subscribers: [{ ...user(second), action: "add" }] });
    expect((await byWriter(addSecond)).status).toBe(204);
    // A repeat changes nothing, so it records nothing.
    await byWriter(addSecond);
    expect((await byWriter((herald) => herald.deleteSubscription(id))).status).toBe(204);

    const entries = await entriesOf(acme, id);
    expect(entries.map((e) => e.action)).toEqual([
      "subscription.created",
      "subscription.updated",
      "subscription.subscriber_added",
      "subscription.subscriber_removed",
      "subscription.subscribers_updated",
      "subscription.deleted",
    ]);
    expect(entries.every((e) => e.actor === writer.userId && e.access_key_id === ACME_WRITER.keyId)).toBe(true);
    expect(entries[0]?.changes.after).toMatchObject({ id, active: true, subscribers: [user(first)] });
    expect(entries[1]?.changes).toEqual({ before: { active: true }, after: { active: false } });
    expect(entries[2]?.changes.after).toMatchObject(connection(integration));
    expect(entries[3]?.changes).toEqual({ before: user(first) });
    expect(entries[4]?.changes).toEqual({
      before: { subscribers: [connection(integration)] },
      after: { subscribers: [connection(integration), user(second)] },
    });
    expect(entries[5]?.changes.before).toMatchObject({ id, active: false });
  });

  it("batch delete records one entry per subscription deleted", async () => {
    const [a, b] = await Promise.all([1, 2].map(() => createSubscriptionId(acme)));
    const result = await call("POST", `${subscriptionsPath(acme)}/batch/delete`, {
      token: acme.token,
      body: { ids: [a, b, crypto.randomUUID()] },
    });
    expect(result.status).toBe(400);
    for (const id of [a, b] as string[]) {
      expect((await entriesOf(acme, id)).map((e) => e.action)).toEqual([
        "subscription.created",
        "subscription.deleted",
      ]);
    }
  });

  it("users: created, updated (not when nothing changed), deleted; a refused delete records nothing", async () => {
    const id = unique("user");
    const put = (name: string) => typedCall(acme, (herald) => herald.putUser(id, { name, email: "ada@example.com" }));
    expect((await put("Ada")).status).toBe(201);
    expect((await put("Ada King")).status).toBe(200);
    expect((await put("Ada King")).status).toBe(200);
    expect((await typedCall(acme, (herald) => herald.deleteUser(id))).status).toBe(204);
    const entries = await entriesOf(acme, id);
    expect(entries.map((e) => e.action)).toEqual(["user.created", "user.updated", "user.deleted"]);
    expect(entries[1]?.changes).toEqual({ before: { name: "Ada" }, after: { name: "Ada King" } });

    // The seeded admin holds access keys: 409, and no entry.
    const holder = "D0C0FFEE-0000-4000-8000-000012345678";
    const refused = await call("DELETE", `/herald/v2/${ACME.accountId}/users/${holder}`, { token: acme.token });
    expectError(refused, 409, "conflict");
    expect(await entriesOf(acme, holder)).toEqual([]);

    // GLOBEX's user: the conditional upsert changes nothing, so no entry goes in anywhere.
    const theirs = "D0C0FFEE-0000-4000-8000-000087654321";
    const taken = await call("PUT", `/herald/v2/${ACME.accountId}/users/${theirs}`, {
      token: acme.token,
      body: { name: "Hijacked", email: "x@example.com" },
    });
    expectError(taken, 409, "conflict");
    expect(await entriesOf(acme, theirs)).toEqual([]);
    expect(await entriesOf(globex, theirs)).toEqual([]);
  });

  it("notification types: recorded in the platform administrator's account", async () => {
    const key = `${unique("nt")}/${unique("kind")}`;
    const body = {
      notification_type: key,
      name: "n",
      default_template: "incidents_template",
      default_email_subject: "Subject",
    };
    const asPlatform = <T>(act: (herald: HeraldClient) => Promise<T>) => typedCall(platform, act);
    expect((await asPlatform((herald) => herald.createNotificationType(body))).status).toBe(201);
    expect((await asPlatform((herald) => herald.updateNotificationType(key, { name: "m" }))).status).toBe(200);
    expect((await asPlatform((herald) => herald.deleteNotificationType(key))).status).toBe(204);
    const entries = await entriesOf(platform, key);
    expect(entries.map((e) => [e.action, e.target_type])).toEqual([
      ["notification_type.created", "notification_type"],
      ["notification_type.updated", "notification_type"],
      ["notification_type.deleted", "notification_type"],
    ]);
    expect(entries[1]?.changes).toEqual({ before: { name: "n" }, after: { name: "m" } });
    expect(await entriesOf(acme, key)).toEqual([]);
  });

  it("refused and failed changes record nothing", async () => {
    const id = await createIntegration(acme);
    const refused = await call("PUT", `/herald/v2/${ACME.accountId}/integrations/${id}`, {
      token: acme.token,
      body: { target_url: "http://10.0.0.1/hook" },
    });
    expect(refused.status).toBe(400);
    const missing = crypto.randomUUID().toUpperCase();
    const notFound = await call("DELETE", `/herald/v2/${ACME.accountId}/integrations/${missing}`, {
      token: acme.token,
    });
    expectError(notFound, 404, "not_found");
    const byReader = await call("DELETE", `/herald/v2/${ACME.accountId}/integrations/${id}`, { token: reader.token });
    expect(byReader.status).toBe(403);
    expect((await entriesOf(acme, id)).map((e) => e.action)).toEqual(["integration.created"]);
    expect(await entriesOf(acme, missing)).toEqual([]);
  });
});

/** A new subscription of the session's account (201, through the typed client): its id. */
const createSubscriptionId = (s: Session) => subscriptionWith(s);

describe("GET /herald/v2/{account_id}/audit_events", () => {
  it("pages newest first by default, or oldest first, with total_count", async () => {
    await Promise.all([1, 2, 3].map(() => createSubscriptionId(acme)));
    const all = await audit(acme, { limit: 1000 });
    expect(all.total_count).toBe(all.audit_events.length);
    const seqs = all.audit_events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => y - x));

    const pages: number[] = [];
    let continuation: string | undefined;
    do {
      const page = await audit(acme, { limit: 2, ...(continuation ? { continuation_id: continuation } : {}) });
      expect(page.audit_events.length).toBeLessThanOrEqual(2);
      expect(page.total_count).toBe(all.total_count);
      pages.push(...page.audit_events.map((e) => e.seq));
      continuation = page.continuation_id;
    } while (continuation);
    expect(pages).toEqual(seqs);

    const ascending = await audit(acme, { sort: "asc", limit: 2 });
    expect(ascending.audit_events.map((e) => e.seq)).toEqual([1, 2]);
    const next = await audit(acme, { sort: "asc", limit: 2, continuation_id: ascending.continuation_id as string });
    expect(next.audit_events.map((e) => e.seq)).toEqual([3, 4]);
  });

  it("filters by action, target type, target id (any case), actor and time", async () => {
    const id = await createSubscriptionId(writer);
    const byAction = await audit(acme, { action: "subscription.created", limit: 1000 });
    expect(byAction.audit_events.length).toBeGreaterThan(0);
    expect(byAction.audit_events.every((e) => e.action === "subscription.created")).toBe(true);
    const byType = await audit(acme, { target_type: "integration", limit: 1000 });
    expect(byType.audit_events.every((e) => e.target_type === "integration")).toBe(true);
    expect((await audit(acme, { target_id: id.toLowerCase() })).audit_events.map((e) => e.target_id)).toEqual([id]);
    const byActor = await audit(acme, { actor: writer.userId, limit: 1000 });
    expect(byActor.audit_events.map((e) => e.target_id)).toContain(id);
    expect(byActor.audit_events.every((e) => e.actor === writer.userId)).toBe(true);

    const [entry] = (await audit(acme, { target_id: id })).audit_events as [AuditEvent];
    expect((await audit(acme, { target_id: id, since: entry.occurred_at })).total_count).toBe(1);
    expect((await audit(acme, { target_id: id, since: entry.occurred_at + 1 })).total_count).toBe(0);
    expect((await audit(acme, { target_id: id, until: entry.occurred_at })).total_count).toBe(0);
    expect((await audit(acme, { target_id: id, until: entry.occurred_at + 1 })).total_count).toBe(1);
  });

  it.each([
    ["action=integration.read", "action"],
    ["target_type=account", "target_type"],
    ["limit=0", "limit"],
    ["since=10&until=5", "until"],
    ["since=yesterday", "since"],
    ["continuation_id=bm90IGEgY3Vyc29y", "continuation_id"],
  ])("answers 400 to %s", async (query, path) => {
    const result = await call("GET", `${auditPath(acme)}?${query}`, { token: acme.token });
    expect(result.status).toBe(400);
    expect(result.body.path).toBe(path);
  });

  it("refuses a continuation id issued for the other order", async () => {
    await createSubscriptionId(acme);
    const page = await audit(acme, { limit: 1 });
    const result = await call("GET", `${auditPath(acme)}?sort=asc&continuation_id=${page.continuation_id}`, {
      token: acme.token,
    });
    expectError(result, 400, "invalid_search_parameters", { path: "continuation_id" });
  });

  it("is for admins of the account: read and write roles and other accounts get 403", async () => {
    for (const s of [reader, writer])
      expectError(await call("GET", auditPath(acme), { token: s.token }), 403, "forbidden");
    expectError(await call("GET", auditPath(acme), { token: globex.token }), 403, "forbidden");
    expectError(await call("GET", auditPath(acme)), 401, "unauthorized");
  });

  it("keeps each account's log to itself", async () => {
    const acmeSubscription = await createSubscriptionId(acme);
    const globexSubscription = await createSubscriptionId(globex);
    const mine = await audit(globex, { limit: 1000 });
    expect(mine.audit_events.every((e) => e.account_id === GLOBEX.accountId)).toBe(true);
    expect(mine.audit_events.map((e) => e.target_id)).toContain(globexSubscription);
    expect(JSON.stringify(mine)).not.toContain(acmeSubscription);
    expect(await entriesOf(globex, acmeSubscription)).toEqual([]);
  });
});

describe("the chain", () => {
  it("stays one unbroken chain under concurrent changes in one account", async () => {
    const before = (await audit(globex, { limit: 1 })).audit_events[0]?.seq ?? 0;
    const results = await Promise.all(
      Array.from({ length: 12 }, () => typedCall(globex, (herald) => herald.createSubscription(subscriptionBody()))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
    const entries = (await audit(globex, { sort: "asc", limit: 1000 })).audit_events;
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    for (const [i, entry] of entries.entries()) {
      expect(entry.prev_hash).toBe(i === 0 ? "0".repeat(64) : entries[i - 1]?.hash);
    }
    const created = new Set(results.map((r) => r.body.id));
    expect(entries.filter((e) => e.seq > before && created.has(e.target_id)).length).toBe(12);
    expect(await verifyAuditChain(createServices(env).db, GLOBEX.accountId)).toEqual({ entries: entries.length });
  });
});

import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  AUDIT_GENESIS_HASH,
  type AuditEventInput,
  chainAuditEvents,
  deleteIntegration,
  insertIntegration,
  isAuditChainConflict,
  pageAuditEvents,
  readAuditHead,
  verifyAuditChain,
} from "../src";
import { integrationRow, newId, provisionedAccount, useTestDb } from "./support";

const t = useTestDb();

const account = () => provisionedAccount(t.db);

function input(accountId: string, targetId: string, action = "integration.created"): AuditEventInput {
  return {
    id: newId(),
    accountId,
    occurredAt: Date.now(),
    actor: `U-${accountId}`,
    accessKeyId: `key-${accountId}`,
    tokenId: newId(),
    action,
    targetType: "integration",
    targetId,
    changes: { after: { name: "n", b: 1, a: [{ z: 1, y: 2 }] } },
  };
}

/** Creates an integration with its audit entry, chained after the account's current head. */
async function createAudited(accountId: string): Promise<string> {
  const row = integrationRow({ id: newId(), accountId });
  const audit = await chainAuditEvents(await readAuditHead(t.db, accountId), [input(accountId, row.id)]);
  await insertIntegration(t.db, row, audit);
  return row.id;
}

describe("audit events", () => {
  it("chain per account from the genesis hash, stored as canonical JSON", async () => {
    const accountId = await account();
    expect(await readAuditHead(t.db, accountId)).toEqual({ seq: 0, hash: AUDIT_GENESIS_HASH });
    await createAudited(accountId);
    await createAudited(accountId);
    const page = await pageAuditEvents(t.db, { accountId, order: "asc", limit: 10 });
    expect(page.rows.map((row) => row.seq)).toEqual([1, 2]);
    expect(page.rows[0]?.prevHash).toBe(AUDIT_GENESIS_HASH);
    expect(page.rows[1]?.prevHash).toBe(page.rows[0]?.hash);
    expect(page.rows[0]?.changes).toBe('{"after":{"a":[{"y":2,"z":1}],"b":1,"name":"n"}}');
    expect(await verifyAuditChain(t.db, accountId)).toEqual({ entries: 2 });
  });

  it("refuse a second write chained to the same head, leaving its change undone", async () => {
    const accountId = await account();
    const head = await readAuditHead(t.db, accountId);
    const first = integrationRow({ id: newId(), accountId });
    const second = integrationRow({ id: newId(), accountId });
    await insertIntegration(t.db, first, await chainAuditEvents(head, [input(accountId, first.id)]));
    const racing = insertIntegration(t.db, second, await chainAuditEvents(head, [input(accountId, second.id)]));
    const error = await racing.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAuditChainConflict(error)).toBe(true);
    const ids = await t.db.all<{ id: string }>(sql`SELECT id FROM integrations WHERE account_id = ${accountId}`);
    expect(ids.map((row) => row.id)).toEqual([first.id]);
  });

  it("record nothing when a conditional change changed nothing", async () => {
    const accountId = await account();
    const audit = await chainAuditEvents(await readAuditHead(t.db, accountId), [
      input(accountId, "NOPE", "integration.deleted"),
    ]);
    expect(await deleteIntegration(t.db, accountId, "NOPE", audit)).toBe(false);
    expect((await pageAuditEvents(t.db, { accountId, order: "asc", limit: 10 })).totalCount).toBe(0);
  });

  it("page by seq with filters, and count every match", async () => {
    const accountId = await account();
    const ids = [await createAudited(accountId), await createAudited(accountId), await createAudited(accountId)];
    const first = await pageAuditEvents(t.db, { accountId, order: "desc", limit: 2 });
    expect(first.rows.map((row) => row.seq)).toEqual([3, 2]);
    expect(first.totalCount).toBe(3);
    expect(first.nextSeq).toBe(2);
    const second = await pageAuditEvents(t.db, { accountId, order: "desc", limit: 2, afterSeq: first.nextSeq });
    expect(second.rows.map((row) => row.seq)).toEqual([1]);
    expect(second.nextSeq).toBeUndefined();
    const one = await pageAuditEvents(t.db, { accountId, order: "asc", limit: 10, targetId: ids[1] });
    expect(one.rows.map((row) => row.seq)).toEqual([2]);
    expect(one.totalCount).toBe(1);
  });

  describe("verification", () => {
    async function chainOfThree(): Promise<string> {
      const accountId = await account();
      for (let i = 0; i < 3; i++) await createAudited(accountId);
      return accountId;
    }

    it("finds an altered entry", async () => {
      const accountId = await chainOfThree();
      await t.db.run(sql`UPDATE audit_events SET actor = 'someone else' WHERE account_id = ${accountId} AND seq = 2`);
      expect((await verifyAuditChain(t.db, accountId)).broken).toEqual({
        seq: 2,
        reason: "the entry does not match its hash (altered)",
      });
    });

    it("finds a removed entry", async () => {
      const accountId = await chainOfThree();
      await t.db.run(sql`DELETE FROM audit_events WHERE account_id = ${accountId} AND seq = 2`);
      expect((await verifyAuditChain(t.db, accountId)).broken?.seq).toBe(2);
    });

    it("finds a removed entry whose successors were renumbered", async () => {
      const accountId = await chainOfThree();
      await t.db.run(sql`DELETE FROM audit_events WHERE account_id = ${accountId} AND seq = 2`);
      await t.db.run(sql`UPDATE audit_events SET seq = 2 WHERE account_id = ${accountId} AND seq = 3`);
      expect((await verifyAuditChain(t.db, accountId)).broken).toEqual({
        seq: 2,
        reason: "prev_hash does not match the entry before it",
      });
    });

    it("finds reordered entries", async () => {
      const accountId = await chainOfThree();
      await t.db.run(sql`UPDATE audit_events SET seq = -1 WHERE account_id = ${accountId} AND seq = 1`);
      await t.db.run(sql`UPDATE audit_events SET seq = 1 WHERE account_id = ${accountId} AND seq = 2`);
      await t.db.run(sql`UPDATE audit_events SET seq = 2 WHERE account_id = ${accountId} AND seq = -1`);
      expect((await verifyAuditChain(t.db, accountId)).broken?.seq).toBe(1);
    });
  });
});

import { desc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { type CapturedEmailRow, capturedEmails } from "../schema";

/** The account's newest captured e-mails first. */
export async function listCapturedEmails(db: Db, accountId: string, limit: number): Promise<CapturedEmailRow[]> {
  return db
    .select()
    .from(capturedEmails)
    .where(eq(capturedEmails.accountId, accountId))
    .orderBy(desc(capturedEmails.createdAt), desc(capturedEmails.id))
    .limit(limit);
}

/** Keeps an e-mail the `capture` transport sent. */
export async function insertCapturedEmail(db: Db, row: CapturedEmailRow): Promise<void> {
  await db.insert(capturedEmails).values(row);
}

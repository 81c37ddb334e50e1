// Runs in Node (from vitest.config.ts), before the Worker starts: accounts and keys the tests need beyond the
// development seed. Their secrets exist only in test databases.
import { provisionAccount } from "@herald/db";
import { createNodeDb } from "@herald/db/node";
import { hashSecret } from "../src/auth/secrets";

export const TEST_KEYS = [
  {
    account: { id: "12345678", name: "Acme Dev" },
    user: { id: "7E570000-0000-4000-8000-000000000001", name: "Rita Reader" },
    key: { id: "testkey-read-12345678", secret: "testsecret-read", role: "read" as const },
  },
  {
    account: { id: "12345678", name: "Acme Dev" },
    user: { id: "7E570000-0000-4000-8000-000000000002", name: "Wes Writer" },
    key: { id: "testkey-write-12345678", secret: "testsecret-write", role: "write" as const },
  },
  {
    // test/hostile-input.test.ts alone uses it, so it can count the account's rows exactly.
    account: { id: "24681357", name: "Hostile Input Ltd" },
    user: { id: "7E570000-0000-4000-8000-000000000004", name: "Hal Hostile" },
    key: { id: "testkey-hostile", secret: "testsecret-hostile", role: "admin" as const },
  },
  {
    account: { id: "55555555", name: "Dormant Inc", active: false },
    user: { id: "7E570000-0000-4000-8000-000000000003", name: "Ian Inactive" },
    key: { id: "testkey-inactive", secret: "testsecret-inactive", role: "admin" as const },
  },
];

export async function provisionTestKeys(path: string): Promise<void> {
  const db = createNodeDb({ url: `file:${path}` });
  try {
    for (const { account, user, key } of TEST_KEYS) {
      await provisionAccount(db, {
        account,
        user,
        key: { ...key, secretHash: await hashSecret(key.secret) },
        now: Date.now(),
      });
    }
  } finally {
    db.$client.close();
  }
}

import type { Db } from "@herald/db";
import { provisionAccount } from "@herald/db";
import { hashSecret } from "../src/auth/secrets";

/**
 * Local development only: two active accounts with an admin key each, and a platform administrator. The secrets are
 * published in the README, so this runs against local databases and test databases, never a deployment.
 */
export const DEV_ACCOUNTS = [
  {
    account: { id: "12345678", name: "Acme Dev" },
    user: { id: "D0C0FFEE-0000-4000-8000-000012345678", name: "Ada Admin", email: "ada@acme.example" },
    key: { id: "devkey12345678", secret: "devsecret12345678", role: "admin" as const },
  },
  {
    account: { id: "87654321", name: "Globex Dev" },
    user: { id: "D0C0FFEE-0000-4000-8000-000087654321", name: "Grace Admin", email: "grace@globex.example" },
    key: { id: "devkey87654321", secret: "devsecret87654321", role: "admin" as const },
  },
  {
    account: { id: "1", name: "Herald Platform" },
    user: { id: "D0C0FFEE-0000-4000-8000-000000000001", name: "Platform Operator", email: null },
    key: { id: "devkeyadmin", secret: "devsecretadmin", role: "admin" as const, platformAdmin: true },
  },
];

/** The development accounts' access keys: their secrets are public, so a real deployment must hold none of them. */
export const DEV_KEY_IDS: readonly string[] = DEV_ACCOUNTS.map(({ key }) => key.id);

export async function seedDevData(db: Db, now = Date.now()): Promise<void> {
  for (const { account, user, key } of DEV_ACCOUNTS) {
    await provisionAccount(db, {
      account,
      user,
      key: { ...key, secretHash: await hashSecret(key.secret), label: "local development" },
      now,
    });
  }
}

// Operator commands for a deployment's database (Turso, sqld, or a local file), e.g.
//   LIBSQL_URL=libsql://herald-acme.turso.io LIBSQL_AUTH_TOKEN=... pnpm --filter @herald/api admin provision-account \
//     --account-id 12345678 --account-name "Acme" --user-id <uuid> --user-name "Ada" --role admin
// The new access key's secret is printed once and stored only as a hash.

import { randomBytes, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import {
  chainAuditEvents,
  deleteAccessKeys,
  isAuditChainConflict,
  listAuditedAccounts,
  type ProvisionAccountInput,
  provisionAccount,
  readAuditHead,
  setAccountActive,
  verifyAuditChain,
} from "@herald/db";
import { createNodeDb } from "@herald/db/node";
import { hashSecret, newSecret } from "../src/auth/secrets";
import { resealIntegrationSecrets } from "../src/security/integration-secrets";
import { createSecretBox } from "../src/security/secret-box";
import { parseEncryptionKeys } from "../src/settings";
import { DEV_KEY_IDS } from "./dev-seed";

const USAGE = `usage:
  admin provision-account --account-id ID --account-name NAME --user-id ID --user-name NAME
                          [--email EMAIL] [--role read|write|admin] [--platform-admin]
  admin set-account-active --account-id ID --active true|false
  admin reseal-secrets      seal every integration secret under ENCRYPTION_KEY (after a key rotation)
  admin remove-dev-keys     delete the development accounts' access keys (their secrets are public)
  admin verify-audit [--account ID]
                            check every account's audit log chain (or one account's): OK, or the first broken seq
                            with status 1
  admin help
environment: LIBSQL_URL (required), LIBSQL_AUTH_TOKEN; for reseal-secrets ENCRYPTION_KEY, ENCRYPTION_KEY_ID and,
             while rotating, ENCRYPTION_PREVIOUS_KEY, ENCRYPTION_PREVIOUS_KEY_ID`;

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === "help" || command === "--help" || command === "-h") {
  console.log(USAGE);
  process.exit(command === undefined ? 2 : 0);
}
const { values } = parseArgs({
  args: rest,
  options: {
    "account-id": { type: "string" },
    "account-name": { type: "string" },
    "user-id": { type: "string" },
    "user-name": { type: "string" },
    email: { type: "string" },
    role: { type: "string", default: "admin" },
    "platform-admin": { type: "boolean", default: false },
    active: { type: "string" },
    account: { type: "string" },
  },
});

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") fail(`--${name} is required`);
  return value as string;
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const COMMANDS = ["provision-account", "set-account-active", "reseal-secrets", "remove-dev-keys", "verify-audit"];
if (!COMMANDS.includes(command)) fail(`unknown command ${command}`);
const url = process.env.LIBSQL_URL ?? fail("LIBSQL_URL is required");
const db = createNodeDb({ url, authToken: process.env.LIBSQL_AUTH_TOKEN });

/** Provisions with the new key's audit entry (actor `system`), again from a new head if a change got in between. */
async function provisionAudited(input: ProvisionAccountInput) {
  const { account, user, key, now } = input;
  const created = { id: key.id, user_id: user.id, role: key.role, platform_admin: key.platformAdmin ?? false };
  for (let attempt = 1; ; attempt++) {
    const audit = await chainAuditEvents(await readAuditHead(db, account.id), [
      {
        id: randomUUID().toUpperCase(),
        accountId: account.id,
        occurredAt: now,
        actor: "system",
        accessKeyId: null,
        tokenId: null,
        action: "access_key.created",
        targetType: "access_key",
        targetId: key.id,
        changes: { after: created },
      },
    ]);
    try {
      return await provisionAccount(db, input, audit);
    } catch (error) {
      if (!isAuditChainConflict(error) || attempt >= 5) throw error;
    }
  }
}

try {
  if (command === "provision-account") {
    const role = values.role;
    if (role !== "read" && role !== "write" && role !== "admin") fail("--role must be read, write or admin");
    const keyId = randomBytes(8).toString("hex");
    const secret = newSecret();
    await provisionAudited({
      account: { id: required("account-id"), name: required("account-name") },
      user: { id: required("user-id"), name: required("user-name"), email: values.email ?? null },
      key: { id: keyId, secretHash: await hashSecret(secret), role, platformAdmin: values["platform-admin"] },
      now: Date.now(),
    });
    console.log(JSON.stringify({ access_key_id: keyId, secret_key: secret }, null, 2));
    console.error("Store the secret now: it is not shown again.");
  } else if (command === "set-account-active") {
    const active = values.active;
    if (active !== "true" && active !== "false") fail("--active must be true or false");
    const accountId = required("account-id");
    if (!(await setAccountActive(db, accountId, active === "true"))) fail(`no account ${accountId}`);
    console.log(`account ${accountId} active=${active}`);
  } else if (command === "reseal-secrets") {
    const keys = parseEncryptionKeys(process.env) ?? fail("reseal-secrets needs ENCRYPTION_KEY and ENCRYPTION_KEY_ID");
    const box = await createSecretBox(keys);
    console.log(JSON.stringify(await resealIntegrationSecrets(db, box)));
  } else if (command === "remove-dev-keys") {
    const removed = await deleteAccessKeys(db, DEV_KEY_IDS);
    console.log(
      removed.length === 0 ? "no development key in this database" : `removed the keys ${removed.join(", ")}`,
    );
  } else if (command === "verify-audit") {
    const accounts = values.account !== undefined ? [values.account] : await listAuditedAccounts(db);
    let broken = 0;
    for (const accountId of accounts) {
      const result = await verifyAuditChain(db, accountId);
      if (result.broken) {
        broken++;
        console.log(`account ${accountId}: BROKEN at seq ${result.broken.seq}: ${result.broken.reason}`);
      } else {
        console.log(`account ${accountId}: OK (${result.entries} entries)`);
      }
    }
    if (accounts.length === 0) console.log("no audit events in this database");
    process.exitCode = broken > 0 ? 1 : 0;
  } else {
    fail(`unknown command ${command}`);
  }
} finally {
  db.$client.close();
}

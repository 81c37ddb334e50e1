import { type Db, findIntegration, type IntegrationRow, listIntegrationsAfter, replaceSealedFields } from "@herald/db";
import type { SecretBox } from "./secret-box";

// An integration's signing secrets and credential-like header values are sealed at rest (src/security/secret-box.ts):
// rows are sealed just before they are written and opened just after they are read, here and nowhere else.

// What each sealed value belongs to, bound into it: a value moved to another integration or header does not open.
// The current and the previous signing secret share one context, since a rotation moves one into the other's place.
const signingSecretContext = (integrationId: string) => `integrations/${integrationId.toUpperCase()}/signing_secret`;
const headerContext = (integrationId: string, name: string) =>
  `integrations/${integrationId.toUpperCase()}/headers/${name.toLowerCase()}`;
const credentialContext = (integrationId: string, name: string) =>
  `integrations/${integrationId.toUpperCase()}/secrets/${name}`;

export function sealSigningSecret(box: SecretBox, integrationId: string, secret: string): Promise<string> {
  return box.seal(secret, signingSecretContext(integrationId));
}

const CREDENTIAL_NAMES = new Set(["authorization", "proxy-authorization", "cookie"]);
const CREDENTIAL_NAME_PARTS = ["token", "secret", "key", "password", "auth"];

/** Headers whose values are credentials: sealed at rest, masked in every answer. */
export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return CREDENTIAL_NAMES.has(lower) || CREDENTIAL_NAME_PARTS.some((part) => lower.includes(part));
}

const MASK = "****";
const REVEALED_MIN_LENGTH = 8;

/** `****` and the last four characters, enough to tell two credentials apart; a short value shows none of itself. */
export function maskCredential(value: string): string {
  return value.length >= REVEALED_MIN_LENGTH ? `${MASK}${value.slice(-4)}` : MASK;
}

/** Headers as an answer shows them: credential values masked, the others as they are. */
export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, isCredentialHeader(name) ? maskCredential(value) : value]),
  );
}

/** Named like credentials but sent as they are: an idempotency key only tells a retried request from a new one. */
const NOT_CREDENTIALS = ["idempotency-key", "x-idempotency-key"];

/**
 * The request headers of a call as an attempt stores them: each `webhook-signature` entry keeps its scheme and loses
 * its signature (`v1,****`), credential-named values are masked as answers mask them, the rest is as sent.
 */
export function maskRequestHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => {
      const lower = name.toLowerCase();
      if (lower === "webhook-signature") return [name, maskSignatures(value)];
      if (isCredentialHeader(lower) && !NOT_CREDENTIALS.includes(lower)) return [name, maskCredential(value)];
      return [name, value];
    }),
  );
}

/** `v1,<base64> v1a,<base64>` → `v1,**** v1a,****`: which schemes signed it, none of what they made. */
function maskSignatures(value: string): string {
  return value
    .split(" ")
    .filter((entry) => entry !== "")
    .map((entry) => {
      const comma = entry.indexOf(",");
      return comma > 0 ? `${entry.slice(0, comma)},${MASK}` : MASK;
    })
    .join(" ");
}

/**
 * A client that reads an integration and sends its headers back sends the masked values: those keep the credential
 * they mask instead of replacing it with the mask.
 */
export function keepMaskedCredentials(
  current: Record<string, string>,
  incoming: Record<string, string>,
): Record<string, string> {
  const currentByName = new Map(Object.entries(current).map(([name, value]) => [name.toLowerCase(), value]));
  return Object.fromEntries(
    Object.entries(incoming).map(([name, value]) => {
      const previous = currentByName.get(name.toLowerCase());
      const echoed = isCredentialHeader(name) && previous !== undefined && value === maskCredential(previous);
      return [name, echoed ? previous : value];
    }),
  );
}

/** `transform` over every value, by name. */
async function mapValues(
  values: Record<string, string>,
  transform: (value: string, name: string) => Promise<string>,
): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(values).map(async ([name, value]) => [name, await transform(value, name)]),
  );
  return Object.fromEntries(entries);
}

/** `transform` over the credential headers' values; the other headers as they are. */
function mapCredentials(
  headers: Record<string, string>,
  transform: (value: string, name: string) => Promise<string>,
): Promise<Record<string, string>> {
  return mapValues(headers, async (value, name) => (isCredentialHeader(name) ? transform(value, name) : value));
}

export function sealHeaders(
  box: SecretBox,
  integrationId: string,
  headers: Record<string, string>,
): Promise<Record<string, string>> {
  return mapCredentials(headers, (value, name) => box.seal(value, headerContext(integrationId, name)));
}

/** A type's credentials (a vendor webhook URL, a routing key, a token): every value sealed on its own. */
export function sealCredentials(
  box: SecretBox,
  integrationId: string,
  secrets: Record<string, string>,
): Promise<Record<string, string>> {
  return mapValues(secrets, (value, name) => box.seal(value, credentialContext(integrationId, name)));
}

/** The row with its secrets, credential headers and credentials in clear, for signing, sending and answering. */
export async function openIntegration(box: SecretBox, row: IntegrationRow): Promise<IntegrationRow> {
  const secretContext = signingSecretContext(row.id);
  const [signingSecret, previousSigningSecret, headers, secrets] = await Promise.all([
    box.open(row.signingSecret, secretContext),
    row.previousSigningSecret === null ? null : box.open(row.previousSigningSecret, secretContext),
    mapCredentials(row.headers, (value, name) => box.open(value, headerContext(row.id, name))),
    mapValues(row.secrets, (value, name) => box.open(value, credentialContext(row.id, name))),
  ]);
  return { ...row, signingSecret, previousSigningSecret, headers, secrets };
}

/** The account's integration with its secrets opened; undefined when there is none. */
export async function findOpenIntegration(
  db: Db,
  box: SecretBox,
  accountId: string,
  id: string,
): Promise<IntegrationRow | undefined> {
  const row = await findIntegration(db, accountId, id);
  return row && openIntegration(box, row);
}

function isStaleRow(box: SecretBox, row: IntegrationRow): boolean {
  return (
    box.isStale(row.signingSecret) ||
    (row.previousSigningSecret !== null && box.isStale(row.previousSigningSecret)) ||
    Object.entries(row.headers).some(([name, value]) => isCredentialHeader(name) && box.isStale(value)) ||
    Object.values(row.secrets).some((value) => box.isStale(value))
  );
}

/**
 * Seals again, under the current key, every integration secret still in clear (stored before encryption) or under
 * the previous key. After a key rotation, run it (`admin reseal-secrets`) before dropping ENCRYPTION_PREVIOUS_KEY.
 */
export async function resealIntegrationSecrets(
  db: Db,
  box: SecretBox,
  pageSize = 100,
): Promise<{ scanned: number; resealed: number; changed_meanwhile: number }> {
  const counts = { scanned: 0, resealed: 0, changed_meanwhile: 0 };
  for (let after = ""; ; ) {
    const rows = await listIntegrationsAfter(db, after, pageSize);
    if (rows.length === 0) return counts;
    after = rows.at(-1)?.id ?? after;
    for (const row of rows) {
      counts.scanned++;
      if (!isStaleRow(box, row)) continue;
      const opened = await openIntegration(box, row);
      const sealed = {
        signingSecret: await sealSigningSecret(box, row.id, opened.signingSecret),
        previousSigningSecret:
          opened.previousSigningSecret === null
            ? null
            : await sealSigningSecret(box, row.id, opened.previousSigningSecret),
        headers: await sealHeaders(box, row.id, opened.headers),
        secrets: await sealCredentials(box, row.id, opened.secrets),
      };
      if (await replaceSealedFields(db, row, sealed)) counts.resealed++;
      else counts.changed_meanwhile++;
    }
  }
}

// The keys that seal integration secrets at rest: the current one and, during a rotation, the previous one.
import { z } from "zod";
import { fromBase64 } from "../lib/base64";
import { type Issues, issue, shown, trimmed } from "./variables";

const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const KEY_BYTES = 32;

export interface EncryptionKeys {
  current: { id: string; key: string };
  previous?: { id: string; key: string } | undefined;
}

export const encryptionShape = {
  ENCRYPTION_KEY: trimmed,
  ENCRYPTION_KEY_ID: trimmed,
  ENCRYPTION_PREVIOUS_KEY: trimmed,
  ENCRYPTION_PREVIOUS_KEY_ID: trimmed,
};

export type EncryptionVariables = { [Name in keyof typeof encryptionShape]: string | undefined };

export const encryptionSchema = z.object(encryptionShape).check((ctx) => checkEncryption(ctx.value, ctx.issues));

/** One key and its id: both or neither, the id well-formed, the key the base64 of 32 bytes. */
function checkKeyPair(
  key: string | undefined,
  id: string | undefined,
  name: "ENCRYPTION_KEY" | "ENCRYPTION_PREVIOUS_KEY",
  issues: Issues,
): void {
  if (key === undefined && id === undefined) return;
  if (key === undefined) {
    issues.push(issue(name, `required with ${name}_ID`, { key, id }));
    return;
  }
  if (id === undefined || !KEY_ID.test(id)) {
    const got = id === undefined ? "it is not set" : `got ${shown(id)}`;
    issues.push(issue(`${name}_ID`, `expected 1-64 letters, digits, '-' or '_' naming ${name}; ${got}`, { key, id }));
  }
  const bytes = fromBase64(key);
  if (bytes?.length !== KEY_BYTES) {
    const got = bytes === undefined ? "it is not base64" : `it decodes to ${bytes.length} bytes`;
    issues.push(
      issue(name, `expected the base64 of ${KEY_BYTES} bytes (openssl rand -base64 32); ${got}`, { key, id }),
    );
  }
}

export function checkEncryption(value: EncryptionVariables, issues: Issues): void {
  checkKeyPair(value.ENCRYPTION_KEY, value.ENCRYPTION_KEY_ID, "ENCRYPTION_KEY", issues);
  checkKeyPair(value.ENCRYPTION_PREVIOUS_KEY, value.ENCRYPTION_PREVIOUS_KEY_ID, "ENCRYPTION_PREVIOUS_KEY", issues);
  const previousSet = value.ENCRYPTION_PREVIOUS_KEY !== undefined || value.ENCRYPTION_PREVIOUS_KEY_ID !== undefined;
  if (previousSet && value.ENCRYPTION_KEY === undefined) {
    issues.push(issue("ENCRYPTION_KEY", "required with ENCRYPTION_PREVIOUS_KEY: the key that replaces it", value));
  }
  if (value.ENCRYPTION_KEY_ID !== undefined && value.ENCRYPTION_PREVIOUS_KEY_ID === value.ENCRYPTION_KEY_ID) {
    issues.push(issue("ENCRYPTION_PREVIOUS_KEY_ID", "must differ from ENCRYPTION_KEY_ID", value));
  }
}

export function encryptionKeys(vars: EncryptionVariables): EncryptionKeys | undefined {
  const { ENCRYPTION_KEY: key, ENCRYPTION_KEY_ID: id } = vars;
  if (key === undefined || id === undefined) return undefined;
  const previous =
    vars.ENCRYPTION_PREVIOUS_KEY !== undefined && vars.ENCRYPTION_PREVIOUS_KEY_ID !== undefined
      ? { id: vars.ENCRYPTION_PREVIOUS_KEY_ID, key: vars.ENCRYPTION_PREVIOUS_KEY }
      : undefined;
  return { current: { id, key }, previous };
}

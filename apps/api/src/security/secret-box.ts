// Encryption at rest for secrets Herald must read back (webhook signing secrets, credential headers): AES-256-GCM on
// WebCrypto under a key from the environment, a random 96-bit IV per value, stored as
// `enc:v2:<key id>:<base64 iv>:<base64 ciphertext>`. The key id in each value lets a deployment rotate keys: values
// sealed under ENCRYPTION_PREVIOUS_KEY still open while they are re-sealed under ENCRYPTION_KEY. Each value is bound to
// what it belongs to (a context such as `integrations/<id>/signing_secret`, authenticated as GCM's additional data):
// one copied into another row or field by someone who can write the database, but not read the key, does not open.
// v1 values (sealed before contexts existed) still open, and count as stale until they are sealed again.
import { fromBase64, toBase64 } from "../lib/base64";
import type { EncryptionKeys } from "../settings";

const PREFIX = "enc:";
const VERSION = "v2";
const UNBOUND_VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;

// Spelled this way so the module also type-checks for Node (scripts/admin.ts), where CryptoKey is not a global type.
type AesKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** The deployment cannot seal or open secrets: a key is missing or malformed, or a value names a key it lacks. */
export class SecretBoxUnavailableError extends Error {
  override readonly name = "SecretBoxUnavailableError";
}

/** A stored value that is not a well-formed sealed value, or that fails authentication (altered, or another key). */
export class SecretBoxError extends Error {
  override readonly name = "SecretBoxError";
}

export interface SecretBox {
  /** `enc:v2:...` for `plaintext`, bound to `context` (what it belongs to); never the same twice. */
  seal(plaintext: string, context: string): Promise<string>;
  /**
   * The plaintext of a value sealed for `context`. A value without the `enc:` prefix predates encryption and is
   * returned as is.
   */
  open(stored: string, context: string): Promise<string>;
  /** True when `stored` is plaintext or sealed under a key other than the current one: worth sealing again. */
  isStale(stored: string): boolean;
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

/** A new key for ENCRYPTION_KEY: the base64 of 32 random bytes. */
export function generateEncryptionKey(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(KEY_BYTES)));
}

async function importKey(name: string, base64: string): Promise<AesKey> {
  const bytes = fromBase64(base64);
  if (bytes?.length !== KEY_BYTES) {
    throw new SecretBoxUnavailableError(`${name} must be the base64 of ${KEY_BYTES} bytes (openssl rand -base64 32)`);
  }
  return crypto.subtle.importKey("raw", bytes, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}

/** A box over `keys`; throws SecretBoxUnavailableError when a key is not 32 bytes of base64. */
export async function createSecretBox(keys: EncryptionKeys): Promise<SecretBox> {
  const ring = new Map<string, AesKey>([[keys.current.id, await importKey("ENCRYPTION_KEY", keys.current.key)]]);
  if (keys.previous) ring.set(keys.previous.id, await importKey("ENCRYPTION_PREVIOUS_KEY", keys.previous.key));
  const currentId = keys.current.id;
  const currentKey = ring.get(currentId) as AesKey;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  return {
    async seal(plaintext, context) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const ciphertext = await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
        currentKey,
        encoder.encode(plaintext),
      );
      return `${PREFIX}${VERSION}:${currentId}:${toBase64(iv)}:${toBase64(new Uint8Array(ciphertext))}`;
    },

    async open(stored, context) {
      if (!isSealed(stored)) return stored;
      const [, version, keyId, ivText, ciphertextText, ...rest] = stored.split(":");
      if ((version !== VERSION && version !== UNBOUND_VERSION) || rest.length > 0 || keyId === undefined) {
        throw new SecretBoxError("a stored secret is not a sealed value Herald can read");
      }
      const key = ring.get(keyId);
      if (!key) {
        throw new SecretBoxUnavailableError(
          `a stored secret is sealed under key id '${keyId}', which is neither ENCRYPTION_KEY_ID nor ENCRYPTION_PREVIOUS_KEY_ID`,
        );
      }
      const iv = fromBase64(ivText ?? "");
      const ciphertext = fromBase64(ciphertextText ?? "");
      if (iv?.length !== IV_BYTES || !ciphertext) {
        throw new SecretBoxError("a stored secret is not a sealed value Herald can read");
      }
      const params =
        version === VERSION
          ? { name: "AES-GCM", iv, additionalData: encoder.encode(context) }
          : { name: "AES-GCM", iv };
      try {
        return decoder.decode(await crypto.subtle.decrypt(params, key, ciphertext));
      } catch {
        throw new SecretBoxError(
          `a stored secret does not open with key '${keyId}' for ${context}: it was altered, moved from another ` +
            "field, or sealed by another key",
        );
      }
    },

    isStale(stored) {
      return !stored.startsWith(`${PREFIX}${VERSION}:${currentId}:`);
    },
  };
}

// One imported key ring per isolate and configuration, like the database client: importing costs a few milliseconds.
const boxes = new Map<string, Promise<SecretBox>>();

/**
 * The box over `keys` (src/settings/ checked their shape). Built on first use, so a deployment without
 * ENCRYPTION_KEY (`keys` undefined) still serves what needs no secret; everything that does fails with
 * SecretBoxUnavailableError instead of storing plaintext.
 */
export function secretBoxFor(keys: EncryptionKeys | undefined): SecretBox {
  const box = () => {
    if (!keys) {
      return Promise.reject(
        new SecretBoxUnavailableError(
          "ENCRYPTION_KEY is not set: Herald cannot store integration secrets (set it with `wrangler secret put ENCRYPTION_KEY`)",
        ),
      );
    }
    const cacheKey = [keys.current.id, keys.current.key, keys.previous?.id ?? "", keys.previous?.key ?? ""].join("\n");
    let pending = boxes.get(cacheKey);
    if (!pending) {
      pending = createSecretBox(keys);
      boxes.set(cacheKey, pending);
    }
    return pending;
  };
  return {
    seal: async (plaintext, context) => (await box()).seal(plaintext, context),
    open: async (stored, context) => (await box()).open(stored, context),
    isStale: (stored) => !stored.startsWith(`${PREFIX}${VERSION}:${keys?.current.id ?? ""}:`),
  };
}

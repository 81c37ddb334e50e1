import { timingSafeEqual } from "hono/utils/buffer";

/** Hex SHA-256 of an access key secret, as stored. */
export async function hashSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

export async function secretMatches(secret: string, storedHash: string): Promise<boolean> {
  return timingSafeEqual(await hashSecret(secret), storedHash);
}

/** A new 256-bit secret, URL-safe. */
export function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

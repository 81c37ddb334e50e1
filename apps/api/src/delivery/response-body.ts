/** Svix keeps the first 20,000 bytes of a target's answer: enough to debug, bounded for storage. */
export const MAX_STORED_RESPONSE_BYTES = 20_000;

/** Reads at most `limit` bytes of the body as text and cancels the rest, so a huge answer cannot exhaust memory. */
export async function readCapped(response: Response, limit = MAX_STORED_RESPONSE_BYTES): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, Math.min(chunk.byteLength, bytes.byteLength - offset));
    bytes.set(part, offset);
    offset += part.byteLength;
    if (offset >= bytes.byteLength) break;
  }
  return new TextDecoder("utf-8", { fatal: false, ignoreBOM: false }).decode(bytes);
}

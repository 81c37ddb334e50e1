// Visible truncation for channel renderings: vendors reject or silently cut oversize messages, so every renderer fits
// its fields here and a reader can always tell that something was cut.

export const ELLIPSIS = "…";

const identity = (text: string) => text;

/**
 * `toText(text)`, cut to at most `max` UTF-16 code units and ending in "…" when cut. Counting code units is the
 * strictest reading of a vendor's "characters" (never fewer than code points), and the cut falls between code
 * points, so a surrogate pair is never split. The text is cut before escaping, so an escape sequence is never split
 * either. `toText` (an escape) must never make a text shorter.
 */
export function truncate(text: string, max: number, toText: (text: string) => string = identity): string {
  const whole = toText(text);
  if (whole.length <= max) return whole;
  if (max < ELLIPSIS.length) return "";
  const points = Array.from(text);
  const cut = (count: number) => `${toText(points.slice(0, count).join("").trimEnd())}${ELLIPSIS}`;
  // The longest prefix that fits: escaping never shortens, so no prefix longer than `max` code points can fit.
  let low = 0;
  let high = Math.min(points.length - 1, max);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (cut(middle).length <= max) low = middle;
    else high = middle - 1;
  }
  return cut(low);
}

const encoder = new TextEncoder();

/** The UTF-8 size of a text, which is what byte limits of HTTP bodies count. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** The UTF-8 size of a value as JSON. */
export function jsonSize(value: unknown): number {
  return utf8Length(JSON.stringify(value) ?? "null");
}

/**
 * `value` shrunk until its JSON is at most `maxBytes` UTF-8 bytes: long strings end in "…", long lists end in a
 * "… N more items" entry, and an object shares its budget so small members stay whole and the largest are cut.
 * Whatever cannot be cut to size becomes a "… (N bytes cut)" string. Returns `value` itself when it fits.
 */
export function capJson(value: unknown, maxBytes: number): unknown {
  const size = jsonSize(value);
  if (size <= maxBytes) return value;
  let capped: unknown;
  if (typeof value === "string") capped = capString(value, maxBytes);
  else if (Array.isArray(value)) capped = capArray(value, maxBytes);
  else if (typeof value === "object" && value !== null) capped = capObject(value as Record<string, unknown>, maxBytes);
  return capped !== undefined && jsonSize(capped) <= maxBytes ? capped : `${ELLIPSIS} (${size} bytes cut)`;
}

function capString(text: string, maxBytes: number): string | undefined {
  if (jsonSize(ELLIPSIS) > maxBytes) return undefined;
  const points = Array.from(text);
  const cut = (count: number) => `${points.slice(0, count).join("")}${ELLIPSIS}`;
  let low = 0;
  let high = Math.min(points.length - 1, maxBytes);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (jsonSize(cut(middle)) <= maxBytes) low = middle;
    else high = middle - 1;
  }
  return cut(low);
}

// Room kept for the entry that says how many items were left out.
const MORE_ITEMS_RESERVE = 40;
// Below this, a partial item says less than the "more items" entry does.
const MIN_PARTIAL_ITEM = 64;

function capArray(items: unknown[], maxBytes: number): unknown[] {
  const kept: unknown[] = [];
  let used = 2; // []
  const budget = maxBytes - MORE_ITEMS_RESERVE;
  for (const [index, item] of items.entries()) {
    const separator = kept.length > 0 ? 1 : 0;
    const size = jsonSize(item);
    if (used + separator + size <= budget) {
      kept.push(item);
      used += separator + size;
      continue;
    }
    const room = budget - used - separator;
    let omitted = items.length - index;
    if (room >= MIN_PARTIAL_ITEM) {
      kept.push(capJson(item, room));
      omitted -= 1;
    }
    if (omitted > 0) kept.push(`${ELLIPSIS} ${omitted} more items`);
    break;
  }
  return kept;
}

function capObject(record: Record<string, unknown>, maxBytes: number): Record<string, unknown> | undefined {
  const entries = Object.entries(record);
  // {} plus, for each member, its quoted key, a colon and a comma.
  const frame = 2 + entries.reduce((sum, [key]) => sum + jsonSize(key) + 2, 0);
  let budget = maxBytes - frame;
  if (budget < entries.length) return undefined;
  const capped = new Map<string, unknown>();
  // Smallest first, each taking at most an equal share of what is left: small members stay whole.
  const bySize = entries
    .map(([key, member]) => ({ key, member, size: jsonSize(member) }))
    .sort((a, b) => a.size - b.size);
  for (const [index, { key, member, size }] of bySize.entries()) {
    const share = Math.floor(budget / (bySize.length - index));
    const fitted = size <= share ? member : capJson(member, share);
    capped.set(key, fitted);
    budget -= jsonSize(fitted);
  }
  return Object.fromEntries(entries.map(([key]) => [key, capped.get(key)]));
}

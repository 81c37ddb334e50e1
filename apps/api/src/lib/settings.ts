/** A whole positive number from a variable (`"15000"`), or `fallback` when it is unset or anything else. */
export function positiveInteger(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

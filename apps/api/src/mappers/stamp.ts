/** `created`/`modified` stamps on the wire: epoch seconds and the acting user. */
export function stamp(atMs: number, by: string) {
  return { at: Math.floor(atMs / 1000), by };
}

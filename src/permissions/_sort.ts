/** Private helpers: locale-independent sorting, so flag output is byte-for-byte deterministic. */

/** Compares by UTF-16 code units (never `localeCompare`, whose order depends on the locale). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Returns the values sorted by code unit with duplicates removed; the input is not changed. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareCodeUnits);
}

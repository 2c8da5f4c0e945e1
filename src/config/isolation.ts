/** Settings of plugin isolation: the uid range and the per-plugin disk quotas. */

/** A closed range of uids; each plugin gets uid = gid from it when plugd runs as root. */
export interface UidRange {
  first: number;
  last: number;
}

/**
 * The default: 65,536 ids at 1879048192 (0x70000000), a range systemd documents as used by no
 * account, no DynamicUser= service (61184–65519) and no nspawn container (524288–1879048191).
 */
export const DEFAULT_UID_RANGE: UidRange = Object.freeze({
  first: 1_879_048_192,
  last: 1_879_113_727,
});

/** `$DATA` quota per plugin when the operator sets none, MiB. */
export const DEFAULT_DATA_QUOTA_MB = 100;
/** `$TMP` (a tmpfs in the sandbox) size per plugin when the operator sets none, MiB. */
export const DEFAULT_TMP_QUOTA_MB = 64;

/**
 * Parses `first-last`; throws `RangeError` naming `name` and the expected form.
 *
 * @example
 * ```ts
 * parseUidRange("2000000000-2000000999", "uid_range"); // { first: 2000000000, last: 2000000999 }
 * ```
 */
export function parseUidRange(text: string, name: string): UidRange {
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  const first = Number(m?.[1]);
  const last = Number(m?.[2]);
  if (!m || first < 1000 || last < first || last > 4_294_967_293) {
    throw new RangeError(
      `${name} must be "first-last" with 1000 <= first <= last < 4294967294, e.g. ` +
        `"${DEFAULT_UID_RANGE.first}-${DEFAULT_UID_RANGE.last}"; got "${text}"`,
    );
  }
  return { first, last };
}

/** Errors of the store that callers (and the API's error mapping) tell apart. */

/** The database's filesystem is full: the change was not saved (HTTP 507). */
export class StoreFullError extends Error {
  override name = "StoreFullError";
  constructor(url: string, options?: ErrorOptions) {
    super(
      `The disk holding the database (${redact(url)}) is full: the change was not saved. Free ` +
        "space there; plugd notices by itself (GET /v1/health shows degraded until then)",
      options,
    );
  }
}

/** The database cannot be written for another reason (I/O error, read-only, corrupt): 503. */
export class StoreUnavailableError extends Error {
  override name = "StoreUnavailableError";
  constructor(url: string, reason: string, options?: ErrorOptions) {
    super(
      `The database (${redact(url)}) cannot be written: ${reason}. Check the disk and the ` +
        "daemon's log; GET /v1/health shows degraded until a write succeeds",
      options,
    );
  }
}

/** A URL with any credentials hidden. */
export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}

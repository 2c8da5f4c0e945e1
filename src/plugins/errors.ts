/** A plugin (or other named thing) does not exist: HTTP 404. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** The operation conflicts with the current state (not granted, already installed, ...): 409. */
export class ConflictError extends Error {
  override name = "ConflictError";
}

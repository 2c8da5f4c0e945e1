/** Thrown when a requested or granted permission can never be granted (e.g. the state dir). */
export class PermissionError extends Error {
  override name = "PermissionError";
  /** Field path such as `permissions.read[1]`. */
  readonly field: string;

  constructor(field: string, message: string, options?: ErrorOptions) {
    super(`${field}: ${message}`, options);
    this.field = field;
  }
}

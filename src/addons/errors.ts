/** Errors of the system-addon area. */

/** An operation did not succeed (the job's error; HTTP 502 like a failed plugin call). */
export class AddonOperationError extends Error {
  override name = "AddonOperationError";
  /** `failed`, `timeout` or `interrupted`. */
  readonly code: string;
  /** The execution record's id. */
  readonly execution: string;
  constructor(message: string, code: string, execution: string) {
    super(message);
    this.code = code;
    this.execution = execution;
  }
}

/** The arguments of an operation are not a short list of plain strings (HTTP 400). */
export class AddonArgumentError extends Error {
  override name = "AddonArgumentError";
}

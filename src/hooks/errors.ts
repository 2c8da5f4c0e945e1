/** Errors of the hook bus that callers catch. */

/** One problem of an event envelope: the attribute and what to fix. */
export interface EnvelopeProblem {
  field: string;
  message: string;
}

/** The CloudEvents envelope is invalid; `problems` lists every problem found. */
export class EventValidationError extends Error {
  override name = "EventValidationError";
  readonly problems: EnvelopeProblem[];
  constructor(problems: EnvelopeProblem[]) {
    super(
      `Invalid CloudEvent: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`,
    );
    this.problems = problems;
  }
}

/** The event type is reserved for the daemon (`plugin.*`). */
export class ReservedEventTypeError extends Error {
  override name = "ReservedEventTypeError";
}

/** A request about stored events that cannot be met; `status` is the HTTP status it maps to. */
export class HookError extends Error {
  override name = "HookError";
  readonly status: 404 | 409;
  constructor(status: 404 | 409, message: string) {
    super(message);
    this.status = status;
  }
}

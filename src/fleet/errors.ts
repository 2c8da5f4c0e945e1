/** Errors of the fleet area that callers map to HTTP statuses. */

/** NATS is not reachable now (503), or this daemon is not in a fleet (409). */
export class FleetUnavailableError extends Error {
  override name = "FleetUnavailableError";
  readonly notConfigured: boolean;
  constructor(message: string, notConfigured = false) {
    super(message);
    this.notConfigured = notConfigured;
  }
}

/** A fleet document or apply that cannot go ahead; nothing was written (400, or 409 on a race). */
export class FleetApplyError extends Error {
  override name = "FleetApplyError";
  readonly problems: { field: string; message: string }[];
  readonly conflict: boolean;
  constructor(
    message: string,
    problems: { field: string; message: string }[] = [],
    conflict = false,
  ) {
    super(message);
    this.problems = problems;
    this.conflict = conflict;
  }
}

/** An unknown plugin or rollout of the fleet (404). */
export class FleetNotFoundError extends Error {
  override name = "FleetNotFoundError";
}

/** Thrown by the intake for an event no host must take (invalid, reserved type). */
export class FleetEventRefused extends Error {
  override name = "FleetEventRefused";
}

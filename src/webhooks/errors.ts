/** Errors of the webhooks area; `name` is what the API error handler maps onto a status. */

/** A webhook or delivery that does not exist (404). */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** A request that conflicts with the current state, e.g. redelivering a queued delivery (409). */
export class WebhookConflictError extends Error {
  override name = "WebhookConflictError";
}

/** Bad input such as a malformed URL, event pattern or timeout (422 via the routes). */
export class WebhookValidationError extends Error {
  override name = "WebhookValidationError";
  readonly field: string;
  constructor(field: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.field = field;
  }
}

/** A target refused by the SSRF guard: scheme, credentials, or an address that is not public. */
export class WebhookTargetError extends Error {
  override name = "WebhookTargetError";
  /** True when a retry may succeed (DNS failure), false for a policy refusal. */
  readonly transient: boolean;
  constructor(message: string, options: ErrorOptions & { transient?: boolean } = {}) {
    super(message, options);
    this.transient = options.transient ?? false;
  }
}

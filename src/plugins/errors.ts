/** A plugin (or other named thing) does not exist: HTTP 404. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** The operation conflicts with the current state (not granted, already installed, ...): 409. */
export class ConflictError extends Error {
  override name = "ConflictError";
}

/** Thrown for config values that do not match the manifest schema: HTTP 422 with every problem. */
export class ConfigValidationError extends Error {
  override name = "ConfigValidationError";
  readonly problems: { field: string; message: string }[];
  constructor(pluginId: string, problems: { field: string; message: string }[]) {
    super(
      `Invalid config for plugin "${pluginId}": ` +
        problems.map((p) => `${p.field}: ${p.message}`).join("; "),
    );
    this.problems = problems;
  }
}

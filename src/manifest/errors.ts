import type { Problem } from "./types.ts";

/** Thrown when a manifest or plugin package is invalid; carries every problem found. */
export class ManifestError extends Error {
  override name = "ManifestError";
  readonly problems: Problem[];

  constructor(problems: Problem[], options?: ErrorOptions) {
    const first = problems[0];
    const head = first ? `${first.field}: ${first.message}` : "invalid manifest";
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    super(`Invalid plugin manifest: ${head}${more}`, options);
    this.problems = problems;
  }

  /** The field path of the first problem. */
  get field(): string {
    return this.problems[0]?.field ?? "";
  }
}

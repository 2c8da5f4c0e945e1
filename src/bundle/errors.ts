/** Errors of bundling a plugin's npm dependencies. */

/** A dependency cannot be bundled (or resolved); `dependency` names it when one is to blame. */
export class BundleError extends Error {
  override name = "BundleError";
  readonly dependency?: string;
  constructor(message: string, dependency?: string) {
    super(message);
    if (dependency) this.dependency = dependency;
  }
}

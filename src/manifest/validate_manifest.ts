/** Validating an already-decoded manifest object (e.g. JSON from the API or the store). */
import { ManifestError } from "./errors.ts";
import type { Manifest, Problem } from "./types.ts";
import { checkManifest } from "./_check_manifest.ts";

/**
 * Validates a decoded manifest object against SPEC §4 and returns it with
 * defaults applied. Throws {@link ManifestError} listing every problem found.
 *
 * @example
 * ```ts
 * const m = validateManifest({
 *   id: "hello", name: "Hello", version: "1.0.0", description: "Says hello",
 *   plugd: ">=0.1.0",
 * });
 * m.limits.timeout_ms; // 5000
 * ```
 */
export function validateManifest(data: unknown): Manifest {
  const problems: Problem[] = [];
  const { manifest } = checkManifest(data, problems);
  if (!manifest || problems.length > 0) throw new ManifestError(problems);
  return manifest;
}

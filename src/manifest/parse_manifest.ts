/** Parsing `plugin.yaml` text into a validated {@link Manifest}. */
import { MAX_ALIAS_COUNT, MAX_MANIFEST_BYTES } from "./constants.ts";
import { ManifestError } from "./errors.ts";
import type { Manifest, Problem } from "./types.ts";
import { checkManifest } from "./_check_manifest.ts";
import { readYaml } from "./_read_yaml.ts";

/** Options of {@link parseManifest}. */
export interface ParseManifestOptions {
  /** Largest accepted document in UTF-8 bytes. @default MAX_MANIFEST_BYTES (256 KiB) */
  maxBytes?: number;
  /** Most YAML alias expansions accepted. @default MAX_ALIAS_COUNT (100) */
  maxAliasCount?: number;
}

/**
 * Parses and validates the text of a `plugin.yaml` (SPEC §4), returning the
 * manifest with defaults applied (entry, hook priorities, limits, empty lists).
 * Throws {@link ManifestError} whose `problems` list every problem found, each
 * with its field path (`permissions.net[0]`, `hooks[1].priority`, ...) and a fix.
 *
 * @example
 * ```ts
 * const m = parseManifest(
 *   "id: hello\nname: Hello\nversion: 1.0.0\ndescription: Says hello\nplugd: '>=0.1.0'\n",
 * );
 * m.entry; // "main.ts"
 * ```
 */
export function parseManifest(text: string, options: ParseManifestOptions = {}): Manifest {
  const { maxBytes = MAX_MANIFEST_BYTES, maxAliasCount = MAX_ALIAS_COUNT } = options;
  if (typeof text !== "string") {
    throw new TypeError(
      `parseManifest() needs the text of plugin.yaml as a string; got ${typeof text}`,
    );
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`parseManifest(): maxBytes must be a positive integer; got ${maxBytes}`);
  }
  if (!Number.isSafeInteger(maxAliasCount) || maxAliasCount < 0) {
    throw new RangeError(
      `parseManifest(): maxAliasCount must be an integer >= 0; got ${maxAliasCount}`,
    );
  }
  const { problems, manifest } = parseManifestProblems(text, { maxBytes, maxAliasCount });
  if (!manifest) throw new ManifestError(problems);
  return manifest;
}

/**
 * Like {@link parseManifest} but returns the problems instead of throwing; `entry`
 * is set whenever that field alone was valid (used to check the package).
 */
export function parseManifestProblems(
  text: string,
  options: Required<ParseManifestOptions> = {
    maxBytes: MAX_MANIFEST_BYTES,
    maxAliasCount: MAX_ALIAS_COUNT,
  },
): { problems: Problem[]; manifest?: Manifest; entry?: string } {
  const problems: Problem[] = [];
  const read = readYaml(text, problems, options);
  if (!read.ok) return { problems };
  return { problems, ...checkManifest(read.value, problems) };
}

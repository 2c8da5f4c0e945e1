/** The registry index format (SPEC §12), `format: 1`. */

/** One published version of a plugin. */
export interface IndexVersion {
  /** Archive location: relative to the index, or an absolute file path / file: / http(s) URL. */
  url: string;
  /** sha256 hex of the archive. */
  sha256: string;
  /** Host versions the plugin works with (semver range from plugin.yaml `plugd`). */
  plugd: string;
  /** The signed build number. */
  build: number;
  /** Plugin dependencies: id -> semver range. */
  dependencies: Record<string, string>;
  /** Plugin ids this one cannot be installed next to. */
  conflicts: string[];
  /** Signing key id, or null for an unsigned package. */
  key_id?: string | null;
  /** Yanked: skipped when resolving a range, still installable by exact version. */
  yanked?: boolean;
  /** Deprecation message shown when this version is installed. */
  deprecated?: string;
  /** The permissions this version requests (indexes built by plugd list them). */
  permissions?: Record<string, string[]>;
}

/** One plugin in an index. */
export interface IndexPlugin {
  description: string;
  categories: string[];
  tags: string[];
  versions: Record<string, IndexVersion>;
  /** Deprecation message of the whole plugin. */
  deprecated?: string | null;
}

/** A registry index document. */
export interface RegistryIndex {
  format: 1;
  plugins: Record<string, IndexPlugin>;
}

/** An index together with where it was loaded from (relative urls resolve against it). */
export interface LoadedIndex {
  location: string;
  index: RegistryIndex;
}

/** One step of an install plan: dependencies come before what needs them. */
export interface PlanStep {
  id: string;
  version: string;
  entry: IndexVersion;
  /** Where the entry's index was loaded from (for fetchPackage). */
  indexLocation: string;
  /** Why it is in the plan: the requested plugin, or `dependency of <id>`. */
  reason: string;
  /** The registry it comes from (its configured name, or the index location). */
  registry: string;
  /** Deprecation message of the version (or of the whole plugin), else null. */
  deprecated: string | null;
}

/** Thrown for registry problems (unknown plugin, no match, cycles, conflicts, bad index). */
export class RegistryError extends Error {
  override name = "RegistryError";
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

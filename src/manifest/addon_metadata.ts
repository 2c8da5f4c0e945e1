/**
 * `addon_metadata` against `plugin.yaml`: a system addon describes itself twice (seed 001's
 * function and plugd's manifest), and install refuses it when the two disagree, one problem per
 * field, so nobody is misled about what runs as which version.
 */
import type { Manifest, Problem } from "./types.ts";

/** What `addon_metadata` printed, once parsed. */
export interface AddonMetadata {
  name: string;
  version: string;
  description?: string;
  display_name?: string;
  depends: string[];
  provides: string[];
  conflicts: string[];
  [key: string]: unknown;
}

const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

const show = (list: string[]) => `[${[...list].sort().join(", ")}]`;

/**
 * Every disagreement between `metadata` (the parsed output of `addon_metadata`) and `manifest`:
 * `name` must be the manifest's `id`, `version` its `version`, `description` and `display_name`
 * (when given) its `description` and `name`; `depends`, `provides` and `conflicts` (default `[]`)
 * must list the same names as `dependencies.plugins`, `provides` and `conflicts`.
 *
 * @example
 * ```ts
 * addonMetadataProblems(manifest, { name: "pg", version: "2.0.0" });
 * // [{ field: "addon_metadata.version", message: '"2.0.0" differs from version "1.0.0" ...' }]
 * ```
 */
export function addonMetadataProblems(manifest: Manifest, metadata: unknown): Problem[] {
  const problems: Problem[] = [];
  const fix = "make addon_metadata and plugin.yaml say the same";
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    return [{
      field: "addon_metadata",
      message: "must print one JSON object like " +
        '{"name": "...", "version": "...", "depends": [], "provides": [], "conflicts": []}',
    }];
  }
  const m = metadata as Record<string, unknown>;
  const text = (key: string, want: string, manifestField: string, required: boolean) => {
    const v = m[key];
    const field = `addon_metadata.${key}`;
    if (v === undefined && !required) return;
    if (typeof v !== "string") {
      problems.push({
        field,
        message: `must be a string equal to ${manifestField} in plugin.yaml`,
      });
    } else if (v.trim() !== want.trim()) {
      problems.push({
        field,
        message: `${JSON.stringify(v)} differs from ${manifestField} ${
          JSON.stringify(want)
        } in plugin.yaml; ${fix}`,
      });
    }
  };
  text("name", manifest.id, "id", true);
  text("version", manifest.version, "version", true);
  text("description", manifest.description, "description", false);
  text("display_name", manifest.name, "name", false);
  const lists: [string, string[], string][] = [
    ["depends", Object.keys(manifest.dependencies.plugins), "dependencies.plugins"],
    ["provides", manifest.provides ?? [], "provides"],
    ["conflicts", manifest.conflicts, "conflicts"],
  ];
  for (const [key, want, manifestField] of lists) {
    const v = m[key] ?? [];
    const field = `addon_metadata.${key}`;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
      problems.push({ field, message: `must be a list of names like ["postgresql"]` });
    } else if (!sameSet(v as string[], want)) {
      problems.push({
        field,
        message: `${show(v as string[])} differs from ${manifestField} ${
          show(want)
        } in plugin.yaml; ${fix}`,
      });
    }
  }
  return problems;
}

/** Validation of `dependencies:` and `conflicts:`. Private to src/manifest. */
import * as semver from "semver";
import { isPluginId } from "./constants.ts";
import { at, checkKeys, expectList, expectRecord, type Problems, typeName } from "./_fields.ts";
import { idMessage, rangeMessage } from "./_validate_identity.ts";

/** Validated relations to other plugins. */
export interface Relations {
  dependencies: { plugins: Record<string, string> };
  conflicts: string[];
}

/** Validates `dependencies:` and `conflicts:` against the plugin's own `selfId`. */
export function validateRelations(
  m: Record<string, unknown>,
  selfId: string | undefined,
  p: Problems,
): Relations {
  const plugins = dependencies(m.dependencies, selfId, p);
  const conflicts: string[] = [];
  const v = m.conflicts;
  if (v !== undefined && v !== null && expectList(v, "conflicts", p, "[other-plugin]")) {
    v.forEach((id, i) => {
      const path = at("conflicts", i);
      if (typeof id !== "string") {
        p.push({
          field: path,
          message: `must be a plugin id like other-plugin; got ${typeName(id)}`,
        });
      } else if (!isPluginId(id)) p.push({ field: path, message: idMessage(id) });
      else if (id === selfId) {
        p.push({ field: path, message: "a plugin cannot conflict with itself; remove it" });
      } else if (conflicts.includes(id)) {
        p.push({ field: path, message: `"${id}" is listed twice; remove the duplicate` });
      } else if (id in plugins) {
        p.push({
          field: path,
          message: `"${id}" is also a dependency; a plugin cannot both need and conflict with it`,
        });
      } else conflicts.push(id);
    });
  }
  return { dependencies: { plugins }, conflicts };
}

function dependencies(
  v: unknown,
  selfId: string | undefined,
  p: Problems,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  if (!expectRecord(v, "dependencies", p, '{ plugins: { auth-plugin: ">=1.0.0" } }')) return out;
  checkKeys(v, ["plugins"], "dependencies", p);
  const plugins = v.plugins;
  if (plugins === undefined || plugins === null) return out;
  if (!expectRecord(plugins, "dependencies.plugins", p, '{ auth-plugin: ">=1.0.0" }')) return out;
  for (const [id, range] of Object.entries(plugins)) {
    const path = at("dependencies.plugins", id);
    if (!isPluginId(id)) p.push({ field: path, message: idMessage(id) });
    else if (id === selfId) {
      p.push({ field: path, message: "a plugin cannot depend on itself; remove it" });
    } else if (typeof range !== "string" || range.trim() === "") {
      p.push({
        field: path,
        message: `must be a semver range string like ">=1.0.0"; got ${typeName(range)}`,
      });
    } else if (semver.validRange(range) === null) {
      p.push({ field: path, message: rangeMessage(range) });
    } else out[id] = range;
  }
  return out;
}

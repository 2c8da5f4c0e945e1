/** Validation of `dependencies:` and `conflicts:`. Private to src/manifest. */
import * as semver from "semver";
import { isPluginId } from "./constants.ts";
import { at, checkKeys, expectList, expectRecord, type Problems, typeName } from "./_fields.ts";
import { idMessage, rangeMessage } from "./_validate_identity.ts";

/** Validated relations to other plugins. */
export interface Relations {
  dependencies: { plugins: Record<string, string>; npm?: Record<string, string> };
  conflicts: string[];
}

/** An npm package name (lowercase, optionally scoped). */
const NPM_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** Validates `dependencies:` and `conflicts:` against the plugin's own `selfId`. */
export function validateRelations(
  m: Record<string, unknown>,
  selfId: string | undefined,
  p: Problems,
): Relations {
  const plugins = dependencies(m.dependencies, selfId, p);
  const npm = npmDependencies(m.dependencies, p);
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
  return { dependencies: { plugins, ...(npm ? { npm } : {}) }, conflicts };
}

function dependencies(
  v: unknown,
  selfId: string | undefined,
  p: Problems,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  if (!expectRecord(v, "dependencies", p, '{ plugins: { auth-plugin: ">=1.0.0" } }')) return out;
  checkKeys(v, ["plugins", "npm"], "dependencies", p);
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

/**
 * `dependencies.npm`: npm packages at exact versions, bundled into the package at pack time
 * (never fetched at run time).
 */
function npmDependencies(v: unknown, p: Problems): Record<string, string> | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const npm = (v as Record<string, unknown>).npm;
  if (npm === undefined || npm === null) return undefined;
  if (!expectRecord(npm, "dependencies.npm", p, '{ yaml: "2.9.1" }')) return undefined;
  const out: Record<string, string> = {};
  for (const [name, version] of Object.entries(npm)) {
    const path = at("dependencies.npm", name);
    if (!NPM_NAME.test(name) || name.length > 214) {
      p.push({
        field: path,
        message: `${JSON.stringify(name)} is not an npm package name; write it as on npmjs.com`,
      });
    } else if (typeof version !== "string" || semver.valid(version) !== version) {
      p.push({
        field: path,
        message: `must be an exact version like "2.9.1" (bundled as pinned); got ${
          typeName(version)
        }`,
      });
    } else out[name] = version;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Identity fields: id, name, version, description, author, license, plugd, entry. */
import * as semver from "semver";
import { DEFAULT_ENTRY, ENTRY_EXTENSIONS, PLUGIN_ID_PATTERN } from "./constants.ts";
import { DEFAULT_ADDON_ENTRY } from "./addon_contract.ts";
import { hasControlChars, type Problems, stringField, typeName } from "./_fields.ts";

/** The identity part of a manifest; undefined fields had problems. */
export interface Identity {
  id?: string;
  name?: string;
  version?: string;
  description?: string;
  author?: string;
  license?: string;
  plugd?: string;
  entry?: string;
}

/** Validates the identity fields of the top-level mapping. */
export function validateIdentity(m: Record<string, unknown>, p: Problems): Identity {
  const id = stringField(m, "id", p, { required: true, example: "my-plugin", maxLength: 63 });
  if (id !== undefined && !PLUGIN_ID_PATTERN.test(id)) {
    p.push({ field: "id", message: idMessage(id) });
  }
  const name = stringField(m, "name", p, { required: true, example: "My Plugin", maxLength: 100 });
  const version = stringField(m, "version", p, { required: true, example: '"1.0.0"' });
  if (version !== undefined && semver.valid(version) !== version) {
    p.push({
      field: "version",
      message: `${
        JSON.stringify(version)
      } is not strict semver; write MAJOR.MINOR.PATCH like "1.2.0"`,
    });
  }
  const description = stringField(m, "description", p, {
    required: true,
    example: "What the plugin does",
    maxLength: 2000,
  });
  const author = stringField(m, "author", p, { required: false, example: "Example Ltd" });
  const license = stringField(m, "license", p, { required: false, example: "MIT", maxLength: 100 });
  const plugd = stringField(m, "plugd", p, { required: true, example: '">=0.1.0 <2.0.0"' });
  if (plugd !== undefined && semver.validRange(plugd) === null) {
    p.push({ field: "plugd", message: rangeMessage(plugd) });
  }
  return {
    id: id !== undefined && PLUGIN_ID_PATTERN.test(id) ? id : undefined,
    name,
    version,
    description,
    author,
    license,
    plugd,
    entry: validateEntry(m.entry, p, m.kind === "system"),
  };
}

/** Message for a bad plugin id, used for `id`, dependencies and conflicts. */
export function idMessage(id: string): string {
  return `${JSON.stringify(id)} is not a valid plugin id; use 2-63 characters of ` +
    "lowercase letters, digits and '-', starting with a letter or digit (e.g. slack-notify)";
}

/** Message for a bad semver range. */
export function rangeMessage(range: string): string {
  return `${
    JSON.stringify(range)
  } is not a valid semver range; write e.g. ">=1.0.0 <2.0.0" or "^1.2.0"`;
}

/** A plugin's entry is a module; a system addon's (`kind: system`) a bash script ending in `.sh`. */
function validateEntry(v: unknown, p: Problems, system: boolean): string | undefined {
  if (v === undefined) return system ? DEFAULT_ADDON_ENTRY : DEFAULT_ENTRY;
  const bad = (message: string): undefined => {
    p.push({ field: "entry", message });
    return undefined;
  };
  if (typeof v !== "string") {
    return bad(`must be a string like "main.ts"; got ${typeName(v)}`);
  }
  if (v === "") return bad('must not be empty; omit it to use "main.ts"');
  if (hasControlChars(v) || v.includes("\\") || v.includes(":")) {
    return bad(
      `${JSON.stringify(v)} must be a plain relative path with '/' separators, like "src/main.ts"`,
    );
  }
  if (v.startsWith("/")) {
    return bad(
      `${JSON.stringify(v)} is absolute; give a path inside the plugin folder, like "main.ts"`,
    );
  }
  const segments = v.split("/");
  if (segments.includes("..")) {
    return bad(
      `${JSON.stringify(v)} contains a ".." segment; the entry must stay inside the plugin folder`,
    );
  }
  if (segments.some((s) => s === "" || s === ".")) {
    return bad(`${JSON.stringify(v)} has empty or "." segments; write it like "src/main.ts"`);
  }
  if (system) {
    return v.endsWith(".sh")
      ? v
      : bad(`${JSON.stringify(v)} must be a bash script ending in .sh (kind: system)`);
  }
  if (!ENTRY_EXTENSIONS.some((ext) => v.endsWith(ext))) {
    return bad(`${JSON.stringify(v)} must end in one of ${ENTRY_EXTENSIONS.join(", ")}`);
  }
  return v;
}

/** Validation of `permissions:`. Private to src/manifest. */
import { PERMISSION_KINDS, type PermissionKind, type Permissions } from "./types.ts";
import { at, hasControlChars, isRecord, type Problems, typeName } from "./_fields.ts";
import { netEntryProblem } from "./_net_entry.ts";
import {
  emitEntryProblem,
  envEntryProblem,
  pathEntryProblem,
  runEntryProblem,
  sysEntryProblem,
} from "./_permission_entries.ts";

const ENTRY_CHECKS: Record<PermissionKind, (entry: string) => string | undefined> = {
  net: netEntryProblem,
  read: (e) => pathEntryProblem(e, "read"),
  write: (e) => pathEntryProblem(e, "write"),
  env: envEntryProblem,
  sys: sysEntryProblem,
  run: runEntryProblem,
  emit: emitEntryProblem,
};

const REFUSED: Record<string, string> = {
  ffi: "native code can escape every wall; plugd never grants it. Remove the ffi key",
  all: "plugd grants permissions one kind at a time; list what the plugin needs under " +
    `${PERMISSION_KINDS.join(", ")}`,
  import: "plugins may import only their own files and the SDK; remove the import key",
  hrtime: "high-resolution time is not grantable; remove the hrtime key",
};

const EXAMPLES: Record<PermissionKind, string> = {
  net: '["api.example.com:443"]',
  read: '["$PLUGIN/templates"]',
  write: '["$DATA"]',
  env: '["HTTPS_PROXY"]',
  sys: '["hostname"]',
  run: '["/usr/bin/git"]',
  emit: '["myplugin.*"]',
};

/** Validates `permissions:`; returns only the valid lists. */
export function validatePermissions(v: unknown, p: Problems): Permissions {
  const out: Permissions = {};
  if (v === undefined || v === null) return out;
  if (!isRecord(v)) {
    p.push({
      field: "permissions",
      message: `must be a mapping like { net: ["api.example.com:443"] }; got ${typeName(v)}`,
    });
    return out;
  }
  for (const [key, value] of Object.entries(v)) {
    const path = at("permissions", key);
    if (!(PERMISSION_KINDS as readonly string[]).includes(key)) {
      const why = REFUSED[key] ??
        `is not a permission plugd knows; remove it or use one of: ${PERMISSION_KINDS.join(", ")}`;
      p.push({ field: path, message: `${JSON.stringify(key)}: ${why}` });
      continue;
    }
    const kind = key as PermissionKind;
    const list = validateList(value, kind, path, p);
    if (list) out[kind] = list;
  }
  return out;
}

function validateList(
  v: unknown,
  kind: PermissionKind,
  path: string,
  p: Problems,
): string[] | undefined {
  if (!Array.isArray(v)) {
    p.push({ field: path, message: `must be a list like ${EXAMPLES[kind]}; got ${typeName(v)}` });
    return undefined;
  }
  if (v.length === 0) {
    p.push({
      field: path,
      message:
        `is empty; omit the key to ask for nothing (an empty --allow-${kind} would mean everything)`,
    });
    return undefined;
  }
  const before = p.length;
  const seen = new Set<string>();
  v.forEach((entry, i) => {
    const ep = at(path, i);
    if (typeof entry !== "string" || entry === "") {
      p.push({
        field: ep,
        message: `must be a non-empty string like ${EXAMPLES[kind]}; got ${typeName(entry)}`,
      });
      return;
    }
    if (entry.includes(",")) {
      p.push({
        field: ep,
        message: `${JSON.stringify(entry)} contains ","; write one entry per list item`,
      });
      return;
    }
    if (hasControlChars(entry)) {
      p.push({
        field: ep,
        message: `${JSON.stringify(entry)} contains control characters; remove them`,
      });
      return;
    }
    if (seen.has(entry)) {
      p.push({
        field: ep,
        message: `${JSON.stringify(entry)} is listed twice; remove the duplicate`,
      });
      return;
    }
    seen.add(entry);
    const problem = ENTRY_CHECKS[kind](entry);
    if (problem) p.push({ field: ep, message: problem });
  });
  return p.length === before ? (v as string[]) : undefined;
}

/** Validation of `kind:`, `privileged:`, `provides:` and `operations:`. Private to src/manifest. */
import { PRIVILEGED_ENTRY } from "../permissions/mod.ts";
import {
  ADDON_OPERATIONS,
  ADDON_TIMEOUT_DEFAULTS,
  type AddonOperation,
  isAddonOperation,
  MAX_ADDON_TIMEOUT_S,
} from "./addon_contract.ts";
import { isPluginId } from "./constants.ts";
import type { Manifest, OperationDecl, PluginKind } from "./types.ts";
import {
  at,
  checkKeys,
  expectList,
  expectRecord,
  intInRange,
  type Problems,
  typeName,
} from "./_fields.ts";
import { idMessage } from "./_validate_identity.ts";

/** The validated fields, ready to spread into the manifest (defaults left out: plain plugins keep
 * the shape they always had). */
export interface SystemFields {
  kind?: PluginKind;
  provides?: string[];
  operations?: Record<AddonOperation, OperationDecl>;
  /** Whether `privileged: true` was declared (becomes the `privileged` permission). */
  privileged: boolean;
}

/** Validates the system-addon fields of the top-level mapping. */
export function validateSystemFields(
  m: Record<string, unknown>,
  selfId: string | undefined,
  p: Problems,
): SystemFields {
  let kind: PluginKind = "plugin";
  if (m.kind !== undefined && m.kind !== "plugin" && m.kind !== "system") {
    p.push({
      field: "kind",
      message: `must be plugin (a Deno module, the default) or system (a bash script with the ` +
        `addon contract); got ${typeName(m.kind)}`,
    });
  } else if (m.kind === "system") kind = "system";
  const system = kind === "system";
  let privileged = false;
  if (m.privileged !== undefined) {
    if (typeof m.privileged !== "boolean") {
      p.push({
        field: "privileged",
        message: `must be true or false; got ${typeName(m.privileged)}`,
      });
    } else if (m.privileged && !system) {
      p.push({
        field: "privileged",
        message: "only a system addon (kind: system) can run as root; remove privileged",
      });
    } else privileged = m.privileged;
  }
  const operations = m.operations === undefined
    ? undefined
    : system
    ? validateOperations(m.operations, p)
    : (p.push({
      field: "operations",
      message: "only a system addon (kind: system) has operations; remove operations",
    }),
      undefined);
  const provides = validateProvides(m.provides, selfId, p);
  return {
    privileged,
    ...(provides.length > 0 ? { provides } : {}),
    ...(system ? { kind, operations: operations ?? defaultOperations() } : {}),
  };
}

/** What a system addon may not declare: hooks, routes, cron, and the Deno-only `sys`/`emit`. */
export function checkSystemShape(
  m: Pick<Manifest, "kind" | "hooks" | "routes" | "cron" | "permissions">,
  p: Problems,
): void {
  if (m.kind !== "system") return;
  const without = (field: string, what: string) =>
    p.push({
      field,
      message: `a system addon (kind: system) has no ${what}; remove ${field} or use kind: plugin`,
    });
  if (m.hooks.length > 0) without("hooks", "hooks (its operations are its interface)");
  if (m.routes.length > 0) without("routes", "HTTP routes");
  if (m.cron.length > 0) without("cron", "cron jobs (plugd checks its status periodically)");
  if (m.permissions.sys) without("permissions.sys", "Deno sys permission (shell reads it freely)");
  if (m.permissions.emit) without("permissions.emit", "events to emit");
}

/** The `privileged` permission derived from `privileged: true`. */
export function privilegedPermission(privileged: boolean): { privileged?: string[] } {
  return privileged ? { privileged: [PRIVILEGED_ENTRY] } : {};
}

function defaultOperations(): Record<AddonOperation, OperationDecl> {
  return Object.fromEntries(
    ADDON_OPERATIONS.map((op) => [op, { timeout_s: ADDON_TIMEOUT_DEFAULTS[op] }]),
  ) as Record<AddonOperation, OperationDecl>;
}

function validateOperations(
  v: unknown,
  p: Problems,
): Record<AddonOperation, OperationDecl> | undefined {
  const out = defaultOperations();
  if (v === null) return out;
  if (!expectRecord(v, "operations", p, "{ install: { timeout_s: 1800 } }")) return undefined;
  checkKeys(v, ADDON_OPERATIONS, "operations", p);
  for (const [op, decl] of Object.entries(v)) {
    if (!isAddonOperation(op)) continue;
    const path = at("operations", op);
    if (!expectRecord(decl, path, p, "{ timeout_s: 1800 }")) continue;
    checkKeys(decl, ["timeout_s"], path, p);
    if (decl.timeout_s === undefined) continue;
    const n = intInRange(decl.timeout_s, at(path, "timeout_s"), p, 1, MAX_ADDON_TIMEOUT_S);
    if (n !== undefined) out[op] = { timeout_s: n };
  }
  return out;
}

function validateProvides(v: unknown, selfId: string | undefined, p: Problems): string[] {
  const out: string[] = [];
  if (v === undefined || v === null) return out;
  if (!expectList(v, "provides", p, "[postgresql]")) return out;
  v.forEach((name, i) => {
    const path = at("provides", i);
    if (typeof name !== "string" || !isPluginId(name)) {
      p.push({
        field: path,
        message: typeof name === "string"
          ? idMessage(name).replace("plugin id", "name")
          : `must be a name like postgresql; got ${typeName(name)}`,
      });
    } else if (name === selfId) {
      p.push({ field: path, message: "a plugin always provides its own id; remove it" });
    } else if (out.includes(name)) {
      p.push({ field: path, message: `"${name}" is listed twice; remove the duplicate` });
    } else out.push(name);
  });
  return out;
}

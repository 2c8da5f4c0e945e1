/** Validation of a whole parsed manifest. Private to src/manifest. */
import type { Manifest } from "./types.ts";
import { checkKeys, isRecord, type Problems, typeName } from "./_fields.ts";
import { validateIdentity } from "./_validate_identity.ts";
import { validatePermissions } from "./_validate_permissions.ts";
import { validateHooks } from "./_validate_hooks.ts";
import { validateRoutes } from "./_validate_routes.ts";
import { validateCron } from "./_validate_cron.ts";
import { validateConfigSchema } from "./_validate_config_schema.ts";
import { validateLimits } from "./_validate_limits.ts";
import { validateRelations } from "./_validate_relations.ts";
import { validateCommands } from "./_validate_commands.ts";
import { validateUi } from "./_validate_ui.ts";
import { derivedPermissions } from "./derived_permissions.ts";
import { validateMigrations } from "./_validate_migrations.ts";
import {
  checkSystemShape,
  privilegedPermission,
  validateSystemFields,
} from "./_validate_system.ts";

/** Keys allowed at the top level of `plugin.yaml`. */
export const TOP_LEVEL_KEYS: readonly string[] = [
  "id",
  "name",
  "version",
  "description",
  "author",
  "license",
  "plugd",
  "entry",
  "permissions",
  "hooks",
  "routes",
  "cron",
  "commands",
  "ui",
  "config",
  "limits",
  "dependencies",
  "conflicts",
  "migrations",
  "kind",
  "privileged",
  "provides",
  "operations",
];

/**
 * Validates `data` and pushes every problem onto `p`. Returns the manifest when
 * there were none, and the entry path whenever that field alone was valid.
 */
export function checkManifest(
  data: unknown,
  p: Problems,
): { manifest?: Manifest; entry?: string } {
  if (!isRecord(data)) {
    p.push({
      field: "plugin.yaml",
      message: `must be a mapping with id, name, version, ...; got ${typeName(data)}`,
    });
    return {};
  }
  const before = p.length;
  checkKeys(data, TOP_LEVEL_KEYS, "", p);
  const who = validateIdentity(data, p);
  // Fields in document order, so problems are listed in the order a reader meets them.
  const permissions = validatePermissions(data.permissions, p);
  const hooks = validateHooks(data.hooks, p);
  const routes = validateRoutes(data.routes, p);
  const cron = validateCron(data.cron, p);
  const commands = validateCommands(data.commands, p);
  const ui = validateUi(data.ui, p);
  const migrations = validateMigrations(data.migrations, permissions, p);
  const { privileged, ...system } = validateSystemFields(data, who.id, p);
  const manifest = {
    id: who.id,
    name: who.name,
    version: who.version,
    description: who.description,
    ...(who.author !== undefined ? { author: who.author } : {}),
    ...(who.license !== undefined ? { license: who.license } : {}),
    plugd: who.plugd,
    entry: who.entry,
    permissions: {
      ...permissions,
      ...derivedPermissions(ui, routes),
      ...privilegedPermission(privileged),
    },
    hooks,
    routes,
    cron,
    ...(commands?.length ? { commands } : {}),
    ...(ui ? { ui } : {}),
    config: validateConfigSchema(data.config, p),
    limits: validateLimits(data.limits, p),
    ...validateRelations(data, who.id, p),
    ...(migrations !== undefined ? { migrations } : {}),
    ...system,
  };
  checkSystemShape(manifest, p);
  return p.length === before
    ? { manifest: manifest as Manifest, entry: who.entry }
    : { entry: who.entry };
}

/**
 * `privileged`: a system addon runs as root on the host filesystem. Derived from the manifest's
 * top-level `privileged: true` (one entry, `root`), so it is reviewed, granted and diffed like any
 * other permission; the grant must also confirm it on its own (it is never part of a bundle).
 */

import type { PermissionKindSpec } from "./kind_spec.ts";

/** The one entry of the `privileged` kind. */
export const PRIVILEGED_ENTRY = "root";

/** `privileged`: root on the host filesystem (system addons only). */
export const PRIVILEGED: PermissionKindSpec = {
  example: '["root"]',
  derivedFrom: "privileged: true (system addons only)",
  entryProblem: (entry) =>
    entry === PRIVILEGED_ENTRY
      ? undefined
      : `"${entry}" is not a privileged entry; write privileged: true at the top of plugin.yaml`,
  risk: () => [
    "critical",
    "runs as root on the host filesystem, outside the sandbox's file walls: full control of " +
    "this machine",
  ],
};

/** Risk levels of requested permissions, shown at install and grant. */

import { KIND_NAMES, PERMISSION_KINDS } from "./kinds.ts";
import type { Permissions, Risk, RiskLevel } from "./types.ts";

/** Options of {@linkcode assessRisks}. */
export interface RiskOptions {
  /** The permissions are a system addon's (bash): `net` is all or nothing. @default false */
  shell?: boolean;
}

const SHELL_NET: [RiskLevel, string] = [
  "high",
  "shell code gets the host's whole network (any host, loopback and private ranges too): a " +
  "system addon's net list is not enforced per host, it is all or nothing",
];

/** Risk levels from lowest to highest. */
export const RISK_LEVELS: readonly RiskLevel[] = ["low", "medium", "high", "critical"];

/**
 * Returns one {@linkcode Risk} per entry, in canonical key order and entry order: low for `sys`,
 * `emit`, `env`; medium for public `net` hosts, `$PLUGIN` reads and `$DATA`/`$TMP`; high for host
 * read paths and loopback/private/link-local targets (addresses, `localhost`, `*.local`,
 * `*.internal`, single-label names); critical for `run`, host write paths, `privileged` and
 * entries that are not grantable at all. With `shell` (a system addon: bash, not Deno) every
 * `net` entry is high: the sandbox shares the host's whole network or none, so the listed hosts
 * are not enforced.
 *
 * @example
 * ```ts
 * assessRisks({ net: ["localhost:5432"] }); // [{ kind: "net", value: "localhost:5432", level: "high", ... }]
 * ```
 */
export function assessRisks(permissions: Permissions, options: RiskOptions = {}): Risk[] {
  const risks: Risk[] = [];
  for (const kind of KIND_NAMES) {
    const spec = PERMISSION_KINDS[kind];
    for (const raw of permissions?.[kind] ?? []) {
      const value = String(raw);
      const problem = spec.entryProblem(value);
      const [level, reason] = problem !== undefined
        ? ["critical" as const, `not grantable: ${problem}`]
        : options.shell && kind === "net"
        ? SHELL_NET
        : spec.risk(value);
      risks.push({ kind, value, level, reason });
    }
  }
  return risks;
}

/** Returns the highest level in `risks`; `low` when there are none (asking for nothing). */
export function highestRisk(risks: readonly Risk[]): RiskLevel {
  const rank = (level: RiskLevel) => RISK_LEVELS.indexOf(level);
  return risks.reduce<RiskLevel>((max, r) => (rank(r.level) > rank(max) ? r.level : max), "low");
}

/** Risk levels of requested permissions, shown at install and grant (SPEC §4). */

import type { Permissions } from "../manifest/types.ts";
import { KINDS } from "./_kinds.ts";
import { expandPath, isWithin } from "./expand_path.ts";
import { isLocalName, parseNetEntry } from "./net_entry.ts";
import type { HostPaths, Risk, RiskLevel } from "./types.ts";

/** Risk levels from lowest to highest. */
export const RISK_LEVELS: readonly RiskLevel[] = ["low", "medium", "high", "critical"];

const ADDRESS_REASONS: Record<string, string> = {
  loopback: "loopback: services on this host",
  private: "private network address",
  "link-local": "link-local address",
  unspecified: "unspecified address 0.0.0.0/[::]: reaches this host",
  cgnat: "carrier-grade NAT range",
  multicast: "multicast address",
  metadata: "cloud metadata service: may hand out credentials",
  reserved: "reserved address range",
};

/**
 * Returns one {@linkcode Risk} per entry, in key order `net, read, write, env, sys, run, emit`
 * and entry order: low for `sys`, `emit`, `env`; medium for public `net` hosts, `$PLUGIN` reads
 * and `$DATA`/`$TMP`; high for host read paths and loopback/private/link-local targets
 * (addresses, `localhost`, `*.local`, `*.internal`, single-label names); critical for `run`,
 * host write paths and entries that are not grantable at all. With `host`, absolute paths inside
 * the plugin's own folders count as those folders.
 *
 * @example
 * ```ts
 * assessRisks({ net: ["localhost:5432"] }); // [{ kind: "net", value: "localhost:5432", level: "high", ... }]
 * ```
 */
export function assessRisks(permissions: Permissions, host?: HostPaths): Risk[] {
  const risks: Risk[] = [];
  for (const kind of KINDS) {
    for (const value of permissions?.[kind] ?? []) {
      const [level, reason] = assess(kind, String(value), host);
      risks.push({ kind, value: String(value), level, reason });
    }
  }
  return risks;
}

/** Returns the highest level in `risks`; `low` when there are none (asking for nothing). */
export function highestRisk(risks: readonly Risk[]): RiskLevel {
  const rank = (level: RiskLevel) => RISK_LEVELS.indexOf(level);
  return risks.reduce<RiskLevel>((max, r) => (rank(r.level) > rank(max) ? r.level : max), "low");
}

function assess(kind: typeof KINDS[number], value: string, host?: HostPaths): [RiskLevel, string] {
  switch (kind) {
    case "env":
      return ["low", "reads one environment variable passed by the daemon"];
    case "sys":
      return ["low", "reads system information"];
    case "emit":
      return ["low", "emits events of its own types"];
    case "run":
      return ["critical", "runs a host program outside Deno's permission checks"];
    case "net":
      return netRisk(value);
    case "read":
    case "write":
      return pathRisk(kind, value, host);
  }
}

function netRisk(value: string): [RiskLevel, string] {
  let entry;
  try {
    entry = parseNetEntry(value);
  } catch (error) {
    return ["critical", `not grantable: ${(error as Error).message}`];
  }
  const ports = entry.port === undefined ? " (all ports)" : "";
  if (entry.family === "name" && entry.addressClass === "name") {
    return isLocalName(entry.host)
      ? ["high", `name on the local or private network${ports}`]
      : ["medium", `public host${ports}`];
  }
  const reason = ADDRESS_REASONS[entry.addressClass];
  return reason === undefined ? ["medium", `public host${ports}`] : ["high", reason + ports];
}

function pathRisk(kind: "read" | "write", value: string, host?: HostPaths): [RiskLevel, string] {
  let scope = /^\$(PLUGIN|DATA|TMP)(\/|$)/.exec(value)?.[1];
  if (scope === undefined && host !== undefined && value.startsWith("/")) {
    try {
      const path = expandPath(value, host);
      const own = { PLUGIN: host.pluginDir, DATA: host.dataDir, TMP: host.tmpDir };
      scope = Object.entries(own).find(([, dir]) => isWithin(path, dir))?.[0];
    } catch { /* invalid paths fall through to the host-path levels */ }
  }
  if (scope === "PLUGIN") {
    return kind === "read"
      ? ["medium", "reads its own installed files"]
      : ["critical", "not grantable: the installed plugin is read-only"];
  }
  if (scope !== undefined) return ["medium", `${kind}s its private $${scope} folder`];
  return kind === "read"
    ? ["high", "reads a host path outside its own folders"]
    : ["critical", "writes a host path outside its own folders"];
}

/**
 * Reads scripts/plugd.service itself (never a copy) the way systemd does, so tests can run the
 * daemon exactly as the unit says: joined continuation lines, comments dropped, repeated keys kept.
 */

/** The repository's unit file. */
export const UNIT_PATH = new URL("../../scripts/plugd.service", import.meta.url).pathname;

/** One unit file: every `Key=value` of each section, in order (keys may repeat). */
export type UnitFile = Map<string, [string, string][]>;

/** Parses unit-file text (systemd.syntax(7): sections, `Key=value`, `\` continuations). */
export function parseUnit(text: string): UnitFile {
  const unit: UnitFile = new Map();
  let section = "";
  const lines = text.replaceAll(/\\\n/g, " ").split("\n");
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      unit.set(section, unit.get(section) ?? []);
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 1) throw new Error(`not a unit line: ${line}`);
    unit.get(section)!.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return unit;
}

/** All values of `key` in `section`. */
export function values(unit: UnitFile, section: string, key: string): string[] {
  return (unit.get(section) ?? []).filter(([k]) => k === key).map(([, v]) => v);
}

/** The single (last) value of `key` in `[Service]`, or undefined. */
export function serviceValue(unit: UnitFile, key: string): string | undefined {
  return values(unit, "Service", key).at(-1);
}

/** Reads and parses the repository's unit. */
export async function readRepoUnit(): Promise<UnitFile> {
  return parseUnit(await Deno.readTextFile(UNIT_PATH));
}

/** How the unit runs its daemon, with paths mapped (e.g. `/opt/plugd` → a throwaway root). */
export interface UnitExec {
  argv: string[];
  /**
   * `ExecStartPre=` lines: `root` for the `+` prefix (full privileges, none of the unit's walls),
   * `mayFail` for `-`.
   */
  pre: { argv: string[]; root: boolean; mayFail: boolean }[];
  env: Record<string, string>;
  user: string;
  group: string;
  noNewPrivileges: boolean;
  umask: string;
}

/**
 * `ExecStart=`, `ExecStartPre=`, `Environment=`, `User=`, `Group=`, `NoNewPrivileges=` and `UMask=` of the unit,
 * with `%d` (credentials dir) and the given path prefixes replaced.
 */
export function unitExec(
  unit: UnitFile,
  map: { credentialsDir: string; paths: Record<string, string> },
): UnitExec {
  const subst = (text: string): string => {
    let out = text.replaceAll("%d", map.credentialsDir);
    for (const [from, to] of Object.entries(map.paths)) out = out.replaceAll(from, to);
    return out;
  };
  const exec = serviceValue(unit, "ExecStart");
  if (!exec) throw new Error("the unit has no ExecStart=");
  if (/["']/.test(exec)) throw new Error("quoted ExecStart arguments are not handled here");
  const env: Record<string, string> = {};
  for (const line of values(unit, "Service", "Environment")) {
    for (const assignment of line.split(/\s+/)) {
      const eq = assignment.indexOf("=");
      env[assignment.slice(0, eq)] = subst(assignment.slice(eq + 1));
    }
  }
  const pre = values(unit, "Service", "ExecStartPre").map((line) => {
    const prefix = /^[-@:+!]*/.exec(line)![0];
    return {
      argv: line.slice(prefix.length).split(/\s+/).map(subst),
      root: prefix.includes("+"),
      mayFail: prefix.includes("-"),
    };
  });
  return {
    argv: exec.replace(/^[-@:+!]+/, "").split(/\s+/).map(subst),
    pre,
    env,
    user: serviceValue(unit, "User") ?? "root",
    group: serviceValue(unit, "Group") ?? serviceValue(unit, "User") ?? "root",
    noNewPrivileges: serviceValue(unit, "NoNewPrivileges") === "yes",
    umask: serviceValue(unit, "UMask") ?? "0022",
  };
}

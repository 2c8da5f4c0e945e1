/**
 * Whether the daemon can run each plugin under a uid of its own, and the `setpriv` steps that do
 * it. As root it simply can. Under `scripts/plugd.service` it runs as the user `plugd` holding
 * four ambient capabilities: CAP_SETUID and CAP_SETGID (setpriv drops a plugin's launcher to the
 * plugin's uid before bubblewrap), CAP_KILL (stopping a plugin that now runs under another uid)
 * and CAP_DAC_READ_SEARCH (measuring and backing up `$DATA` whatever modes the plugin set).
 */

/** How plugins get uids of their own: `root`, the unit's capabilities (`caps`), or not (`none`). */
export type UidSwitch = "root" | "caps" | "none";

/** The capabilities `caps` mode needs, with their bit numbers (linux/capability.h). */
export const UID_SWITCH_CAPS: Readonly<Record<string, number>> = Object.freeze({
  CAP_DAC_READ_SEARCH: 2,
  CAP_KILL: 5,
  CAP_SETGID: 6,
  CAP_SETUID: 7,
});

/**
 * The names of {@linkcode UID_SWITCH_CAPS} missing from the `CapEff:` line of a
 * `/proc/<pid>/status` text (all of them when the line is absent).
 *
 * @example
 * ```ts
 * missingCaps("CapEff:\t00000000000000e4\n"); // []
 * missingCaps("CapEff:\t0000000000000000\n"); // ["CAP_DAC_READ_SEARCH", "CAP_KILL", ...]
 * ```
 */
export function missingCaps(status: string): string[] {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  const eff = m ? BigInt(`0x${m[1]}`) : 0n;
  return Object.entries(UID_SWITCH_CAPS)
    .filter(([, bit]) => (eff & (1n << BigInt(bit))) === 0n)
    .map(([name]) => name);
}

/** What {@linkcode detectUidSwitch} found, with the reason for the daemon's log. */
export interface UidSwitchFacts {
  uidSwitch: UidSwitch;
  reason: string;
}

/** Reads this process's uid and effective capabilities once, at daemon start. */
export async function detectUidSwitch(): Promise<UidSwitchFacts> {
  if (Deno.uid() === 0) return { uidSwitch: "root", reason: "plugd runs as root" };
  const status = await Deno.readTextFile("/proc/self/status").catch(() => "");
  const missing = missingCaps(status);
  if (missing.length === 0) {
    return {
      uidSwitch: "caps",
      reason: "plugd holds CAP_SETUID, CAP_SETGID, CAP_KILL and CAP_DAC_READ_SEARCH",
    };
  }
  return {
    uidSwitch: "none",
    reason: `plugd is not root and lacks ${missing.join(", ")} (scripts/plugd.service grants them)`,
  };
}

/**
 * `setpriv` arguments that run the rest as `uid` (gid = uid) with no supplementary groups and no
 * capabilities (`asRoot`: and an empty bounding set): clearing the inheritable set clears the ambient one too, so the next `exec`
 * (bubblewrap, or deno in flags mode) starts with none.
 *
 * @example
 * ```ts
 * dropToUid("/usr/bin/setpriv", 1879048192);
 * // ["/usr/bin/setpriv", "--reuid=1879048192", "--regid=1879048192", "--clear-groups", "--inh-caps=-all", "--"]
 * ```
 */
export function dropToUid(setpriv: string, uid: number, asRoot = false): string[] {
  const drop = [setpriv, `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--inh-caps=-all"];
  // Run by root (inside bubblewrap, which keeps all of root's capabilities for it), setpriv may
  // also empty the bounding set: nothing the plugin runs can ever regain a capability, even
  // where no-new-privileges would not hold. The unit's daemon lacks CAP_SETPCAP for it.
  return [...drop, ...(asRoot ? ["--bounding-set=-all"] : []), "--"];
}

/**
 * What goes before a tool that must start without the daemon's capabilities in `caps` mode:
 * bubblewrap refuses to run unprivileged with capabilities ("Unexpected capabilities but not
 * setuid"), and nothing a plugin or its database runs should inherit them. Empty otherwise.
 */
export function capsDrop(sandbox: { uidSwitch?: UidSwitch; setprivPath: string }): string[] {
  return sandbox.uidSwitch === "caps" ? [sandbox.setprivPath, "--inh-caps=-all", "--"] : [];
}

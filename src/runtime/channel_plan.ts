/** Where a plugin's protocol socket goes (pure): the host path, the path inside, its owner. */
import type { LaunchOptions, LaunchPlan } from "./launch_plan.ts";
import { switchesUids } from "./detect_sandbox.ts";
import { IN_SANDBOX } from "./sandbox_paths.ts";

/** Longest socket path used (`sun_path` holds 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 100;

/** A short, stable file name for `pluginId`'s socket (64-bit FNV-1a): ids may be long. */
function socketName(pluginId: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(pluginId)) {
    h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return `ch-${h.toString(16).padStart(16, "0")}.sock`;
}

/**
 * Where the protocol's socket goes, or `undefined` to keep stdin. Only in the bubblewrap sandbox,
 * whose fixed `/plugd` path no grant can reach (so the shim's revoke of the socket's permissions
 * never takes a granted path with it), and only when bubblewrap starts as the daemon's uid or as
 * root, which can reach the daemon-only launch folder to bind it; with the unit's capabilities
 * (setpriv drops to the plugin's uid before bubblewrap) or a state dir too deep for a socket path
 * (over 100 bytes with the 24-byte name), stdin stays.
 */
export function channelFor(
  o: Pick<LaunchOptions, "pluginId" | "launchDir" | "sandbox" | "shell" | "uid">,
): LaunchPlan["channel"] {
  const { sandbox } = o;
  if (sandbox.mode !== "bwrap" || o.shell) return undefined;
  const uid = switchesUids(sandbox) ? o.uid : undefined;
  if (uid !== undefined && !sandbox.root) return undefined;
  const hostPath = `${o.launchDir}/${socketName(o.pluginId)}`;
  if (new TextEncoder().encode(hostPath).byteLength > MAX_SOCKET_PATH) return undefined;
  return { hostPath, path: IN_SANDBOX.channel, ...(uid !== undefined ? { owner: uid } : {}) };
}

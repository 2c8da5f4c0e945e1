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
 * never takes a granted path with it), and only where a socket path fits (100 bytes).
 *
 * - Daemon as root, or without uids of its own: in the daemon-only launch folder; as root the
 *   socket is handed to the plugin's uid (setpriv drops to it inside the sandbox), mode 0600.
 * - The unit's daemon (capabilities, not root): setpriv drops to the plugin's uid before
 *   bubblewrap, which must then reach the socket itself, so it goes in the plugin's host `$TMP`
 *   folder (unused in the sandbox, whose `/tmp` is a tmpfs): `<daemon>:<plugin gid>` 0770 under a
 *   0711 parent, which only the daemon and this plugin's uid enter. Without CAP_CHOWN the socket
 *   cannot be handed over, so it is 0666 and that folder is the wall.
 */
export function channelFor(
  o: Pick<LaunchOptions, "pluginId" | "launchDir" | "sandbox" | "shell" | "uid" | "dirs">,
): LaunchPlan["channel"] {
  const { sandbox } = o;
  if (sandbox.mode !== "bwrap" || o.shell) return undefined;
  const uid = switchesUids(sandbox) ? o.uid : undefined;
  const unit = uid !== undefined && !sandbox.root;
  const hostPath = unit
    ? `${o.dirs.tmpDir}/channel.sock`
    : `${o.launchDir}/${socketName(o.pluginId)}`;
  if (new TextEncoder().encode(hostPath).byteLength > MAX_SOCKET_PATH) return undefined;
  const path = IN_SANDBOX.channel;
  if (unit) return { hostPath, path, mode: 0o666 };
  return { hostPath, path, mode: 0o600, ...(uid !== undefined ? { owner: uid } : {}) };
}

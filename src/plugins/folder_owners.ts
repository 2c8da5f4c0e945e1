/**
 * A plugin's folders on the host and who may reach them: `$DATA`/`$TMP` handed to the plugin's
 * uid, its code and prepared files readable by it, and `$DATA` emptied as that uid at purge.
 */
import { dirname } from "node:path";
import { dropToUid, type SandboxInfo } from "../runtime/mod.ts";
import type { PluginPaths } from "./plugin_paths.ts";

async function run(argv: string[], what: string): Promise<void> {
  const out = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`${what} failed: ${new TextDecoder().decode(out.stderr).trim().slice(0, 300)}`);
  }
}

/**
 * Gives `dir` and everything in it to `uid` (also its gid), never following a symlink: folders
 * made by an older plugd, or before plugins had uids of their own, change hands once (root).
 */
function chownTree(dir: string, uid: number): Promise<void> {
  return run(["chown", "-R", "-P", "-h", `${uid}:${uid}`, "--", dir], `chown of ${dir}`);
}

/**
 * Gives `dir` and everything in it to the group `gid` without CAP_CHOWN (the unit's daemon): the
 * owner may change a file's group to one it belongs to, and setpriv (CAP_SETGID) makes the daemon
 * a member for this one command. Folders made before plugins had uids change hands once.
 */
function groupTree(sandbox: SandboxInfo, dir: string, gid: number): Promise<void> {
  return run([
    sandbox.setprivPath,
    `--groups=${gid}`,
    "--",
    "/bin/sh",
    "-c",
    'chgrp -R -P -h "$1" -- "$2" && chmod -R g+rwX,o-rwx -- "$2"',
    "plugd-group",
    String(gid),
    dir,
  ], `handing ${dir} to group ${gid}`);
}

/**
 * Creates `$DATA` (and `$TMP` for flags mode). Daemon as root with bubblewrap: both belong to the
 * plugin's uid, mode 0700, and their parent stays 0700 so no other user reaches anything a plugin
 * wrote (a setuid file, a 0777 folder). Where the plugin's own uid must walk to its folders (flags
 * mode as root; the unit's daemon, whose bubblewrap runs as that uid) the parent is 0711 and the
 * folder itself is the wall: `<daemon>:<plugin gid>` 0770, which the plugin may write in but, not
 * being its owner, never open to others.
 */
export async function prepareDirs(
  paths: Pick<PluginPaths, "dataDir" | "tmpDir">,
  sandbox: SandboxInfo,
  uid: number | undefined,
): Promise<void> {
  const caps = !sandbox.root && sandbox.uidSwitch === "caps" && uid !== undefined;
  const open = caps || (sandbox.mode === "flags" && sandbox.root);
  // The folder calls are sync: metadata work on a local folder (microseconds) on every start's
  // path, where each async call was a hop to a blocking-pool thread and back.
  for (const dir of [paths.dataDir, paths.tmpDir]) {
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (uid === undefined) continue;
    const owner = Deno.statSync(dir);
    if (!open) {
      if (owner.uid !== uid) await chownTree(dir, uid);
      continue;
    }
    if (caps) {
      if (owner.gid !== uid) await groupTree(sandbox, dir, uid);
    } else {
      if (owner.gid !== uid) await chownTree(dir, uid);
      Deno.chownSync(dir, 0, uid);
    }
    Deno.chmodSync(dir, 0o770);
  }
  for (const dir of [dirname(paths.dataDir), dirname(paths.tmpDir)]) {
    Deno.chmodSync(dir, open ? 0o711 : 0o700);
  }
}

/**
 * The unit's daemon: bubblewrap runs as the plugin's uid, so that uid must reach the plugin's code
 * and prepared files (a daemon with `UMask=0077` creates them private). Code is no secret: the
 * installed files are 0444 anyway. The folders above them become traversable (0711), the prepared
 * tree readable; done once per prepared version.
 */
export async function openCodeToPlugin(
  paths: Pick<PluginPaths, "pluginDir" | "preparedDir">,
  sandbox: SandboxInfo,
  marker: string,
): Promise<void> {
  if (sandbox.root || sandbox.uidSwitch !== "caps") return;
  for (const code of [paths.pluginDir, paths.preparedDir]) {
    for (const dir of [dirname(dirname(code)), dirname(code)]) await Deno.chmod(dir, 0o711);
  }
  const done = await Deno.stat(`${paths.preparedDir}/${marker}`).catch(() => null);
  if (done && ((done.mode ?? 0) & 0o004) !== 0) return;
  await run(["chmod", "-R", "go+rX", "--", paths.preparedDir], `opening ${paths.preparedDir}`);
}

/**
 * Removes a purged plugin's folder. Under the unit's daemon the plugin's files belong to its uid
 * and may sit in folders it made unwritable, so they are first emptied as that uid (without
 * capabilities), then the daemon removes what is left. Returns whether the folder is gone.
 */
export async function removePluginDir(
  dir: string,
  sandbox: SandboxInfo,
  uid: number | undefined,
): Promise<boolean> {
  const exists = () => Deno.lstat(dir).then(() => true, () => false);
  if (!await exists()) return true;
  if (!sandbox.root && sandbox.uidSwitch === "caps" && uid !== undefined) {
    await run([
      ...dropToUid(sandbox.setprivPath, uid),
      "/bin/sh",
      "-c",
      'chmod -R u+rwX -- "$1" 2>/dev/null; find "$1" -mindepth 1 -delete',
      "plugd-purge",
      dir,
    ], `emptying ${dir} as uid ${uid}`).catch(() => {});
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  return !await exists();
}

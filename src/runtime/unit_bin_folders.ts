/**
 * The unit's root step (`ExecStartPre=+… plugd sandbox-bin`): makes, before the daemon starts,
 * the folders of hard links a daemon with the unit's capabilities binds into its sandboxes. That
 * daemon cannot make them itself: the kernel's fs.protected_hardlinks refuses it links to files
 * it does not own (only CAP_FOWNER, a broad capability, would allow them), and the unit's
 * ProtectSystem=strict puts its state dir on another mount than /usr (link() then fails with
 * EXDEV). Root, outside the unit's namespaces, makes them in {@linkcode unitBinRoot}: a folder
 * of root's next to the state dir, which the plugin uids can reach and no one else may write.
 */
import { BinFolders, unitBinRoot } from "./bin_folders.ts";
import type { Mount } from "./bwrap_args.ts";
import { sandboxLibs } from "./detect_sandbox.ts";
import { systemMounts } from "./launch_plan.ts";

/** What {@linkcode makeUnitBinFolders} made: the root and the mounts a plugin will get. */
export interface UnitBinFolders {
  root: string;
  mounts: Mount[];
}

/**
 * Removes what the previous run left in `unitBinRoot(stateDir)` and makes the folders for the
 * files a caps-mode sandbox mounts (Deno and its libraries; setpriv runs before bubblewrap there).
 * Files that cannot be hard-linked (another file system) stay file binds. Root only.
 */
export async function makeUnitBinFolders(
  stateDir: string,
  denoPath: string,
): Promise<UnitBinFolders> {
  if (Deno.uid() !== 0) throw new Error("plugd sandbox-bin must run as root");
  const wanted = unitBinRoot(stateDir);
  const parent = await assertRootOnly(wanted.slice(0, wanted.lastIndexOf("/")) || "/");
  const root = `${parent === "/" ? "" : parent}${wanted.slice(wanted.lastIndexOf("/"))}`;
  const real = await Deno.realPath(denoPath);
  const system = systemMounts(
    { libs: await sandboxLibs([real]), denoPath: real, setprivPath: "" },
    false,
  );
  const folders = await BinFolders.open(root);
  return { root: folders.root, mounts: folders.mounts(system, []) };
}

/**
 * The real path of `dir`; throws unless it and every folder above it are root's and no one else
 * may write them (above `dir`, sticky folders such as /tmp are fine: no one may rename root's
 * entries there). Root then removes and makes folders in it that no other user can swap for a
 * symlink meanwhile: a `state_dir` under a folder of plugd's would let plugd aim root's links and
 * chmod elsewhere.
 */
async function assertRootOnly(dir: string): Promise<string> {
  const real = await Deno.realPath(dir);
  for (let d = real;; d = d.slice(0, d.lastIndexOf("/")) || "/") {
    const st = await Deno.stat(d);
    const sticky = d !== real && (st.mode! & 0o1000) !== 0;
    if (st.uid !== 0 || ((st.mode! & 0o022) !== 0 && !sticky)) {
      throw new Error(
        `sandbox-bin: ${d} must be root's and writable by root only (it holds the folder ` +
          `root makes for the sandbox); plugins get file binds instead`,
      );
    }
    if (d === "/") return real;
  }
}

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
  const real = await Deno.realPath(denoPath);
  const system = systemMounts(
    { libs: await sandboxLibs([real]), denoPath: real, setprivPath: "" },
    false,
  );
  const folders = await BinFolders.open(unitBinRoot(stateDir));
  return { root: folders.root, mounts: folders.mounts(system, []) };
}

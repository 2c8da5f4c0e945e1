/**
 * The sandbox's system files (the shared libraries, the loader, Deno, setpriv) bound as a few
 * folders instead of one file each. bubblewrap rereads `/proc/self/mountinfo` for every bind (to
 * remount it read-only, nosuid, nodev), so ten file binds cost ~1.4 ms of CPU per start where
 * three folder binds cost ~0.4 ms.
 *
 * Each folder holds hard links to the host's files: the very same inodes, so the sandbox shows the
 * same bytes at the same paths. A folder is named after the identity (device, inode) of the files
 * it holds: when the host replaces one (a libc or Deno upgrade renames a new file over the old),
 * the next start finds another identity, makes a new folder and binds it; running plugins keep the
 * folder they started with. Where a file cannot be hard-linked (another file system, or a daemon
 * that may not link files it does not own), that folder's files are bound one by one as before.
 */
import type { Mount } from "./bwrap_args.ts";
import { type SandboxInfo, switchesUids } from "./detect_sandbox.ts";
import { isInside, join } from "./_path.ts";

/** A host file as it is now: its real path and identity. */
interface HostFile {
  name: string;
  real: string;
  dev: number;
  ino: number;
}

/** Options of {@linkcode BinFolders.open}. */
export interface BinFoldersOptions {
  /**
   * Make missing folders (the daemon). `false` (a preview such as `plugd plugin flags`): use the
   * folders the daemon made, else show file binds. @default true
   */
  create?: boolean;
  /**
   * The folders were made by root before the daemon started (the unit's `plugd sandbox-bin`
   * step): the daemon neither removes nor makes any, it only uses those that hold the files as
   * they are now, and remembers which. @default false
   */
  madeByRoot?: boolean;
}

/**
 * Where root makes the folders for a daemon that runs with the unit's capabilities: next to its
 * state dir (`/var/lib/plugd` -> `/var/lib/plugd-sandbox-bin`), in a folder root owns, so that
 * the plugin uids can reach it without the daemon's state dir becoming any more open.
 */
export function unitBinRoot(stateDir: string): string {
  return `${stateDir.replace(/\/+$/, "")}-sandbox-bin`;
}

const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/** A 64-bit FNV-1a of `text`, hex: a short, stable folder name for a list of identities. */
function fnv64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * FNV_PRIME) & MASK;
  return h.toString(16).padStart(16, "0");
}

function errorCode(e: unknown): string {
  return e instanceof Error && "code" in e ? String(e.code) : String(e);
}

/** The folders of hard links under one root (a folder of the daemon's state dir). */
export class BinFolders {
  readonly root: string;
  readonly #create: boolean;
  /** Whether results are remembered (the daemon, not a preview). */
  readonly #remember: boolean;
  /** Folder name -> whether it is usable (made or checked in this process). */
  readonly #checked = new Map<string, boolean>();
  /** The files' identities -> their folder's name (the hash is not redone at each start). */
  readonly #names = new Map<string, string>();

  private constructor(root: string, create: boolean, remember: boolean) {
    this.root = root;
    this.#create = create;
    this.#remember = remember;
  }

  /**
   * The folders under `root`. The daemon (`create`) first removes what its previous run left:
   * no plugin of that run is alive (they die with their daemon).
   *
   * @example
   * ```ts
   * const bins = await BinFolders.open("/var/lib/plugd/sandbox-bin");
   * bins.mounts([{ src: "/usr/lib/x86_64-linux-gnu/libc.so.6", dest: "/lib/x86_64-linux-gnu/libc.so.6" }], []);
   * // [{ src: "/var/lib/plugd/sandbox-bin/lib_x86_64-linux-gnu-…", dest: "/lib/x86_64-linux-gnu" }]
   * ```
   */
  static async open(root: string, options: BinFoldersOptions = {}): Promise<BinFolders> {
    const madeByRoot = options.madeByRoot ?? false;
    const create = (options.create ?? true) && !madeByRoot;
    if (!root.startsWith("/")) throw new TypeError(`root must be absolute, got "${root}"`);
    if (create) {
      await Deno.remove(root, { recursive: true }).catch(() => {});
      await Deno.mkdir(root, { recursive: true, mode: 0o755 });
      await Deno.chmod(root, 0o755);
    }
    return new BinFolders(root, create, create || madeByRoot);
  }

  /**
   * The folders for a daemon whose state dir is `stateDir`, or undefined where file binds stay.
   * As root: `<state>/sandbox-bin`, made here. With the unit's capabilities the daemon may not
   * hard-link files it does not own (fs.protected_hardlinks) and its bubblewrap runs as the
   * plugin's uid: it uses the folders root made in {@linkcode unitBinRoot} before it started,
   * when that folder is root's and no one else may write it. Flags mode: none.
   */
  static async forSandbox(
    sandbox: SandboxInfo,
    stateDir: string,
    options: BinFoldersOptions = {},
  ): Promise<BinFolders | undefined> {
    if (sandbox.mode !== "bwrap") return undefined;
    if (sandbox.root || !switchesUids(sandbox)) {
      return await BinFolders.open(join(stateDir, "sandbox-bin"), options);
    }
    const root = unitBinRoot(stateDir);
    const st = await Deno.stat(root).catch(() => null);
    if (!st?.isDirectory || st.uid !== 0 || (st.mode! & 0o022) !== 0) return undefined;
    return await BinFolders.open(root, { ...options, madeByRoot: true });
  }

  /**
   * `files` (host file -> its path inside) as mounts: one read-only folder per destination folder
   * where possible, else the files themselves. A destination folder that another mount (`others`,
   * destinations inside the sandbox) lies in, on or above keeps its file binds, so grants that
   * reach these folders see what they see today. Stats each file (~40 µs for ten): run it at
   * each start, so a host upgrade is picked up by the next start as a file bind picks it up.
   */
  mounts(files: Mount[], others: string[]): Mount[] {
    const groups = new Map<string, Mount[]>();
    for (const m of files) {
      const folder = m.dest.slice(0, m.dest.lastIndexOf("/"));
      groups.set(folder, [...groups.get(folder) ?? [], m]);
    }
    return [...groups].flatMap(([folder, group]): Mount[] => {
      const shared = folder === "" ||
        others.some((d) => isInside(d, folder) || isInside(folder, d));
      const dir = shared ? null : this.#folderOf(folder, group);
      return dir ? [{ src: dir, dest: folder }] : group;
    });
  }

  /** The folder holding exactly `group`'s files as they are now, made when missing; or null. */
  #folderOf(folder: string, group: Mount[]): string | null {
    let files: HostFile[];
    try {
      files = group.map((m) => {
        const st = Deno.statSync(m.src);
        return { name: m.dest.slice(folder.length + 1), real: m.src, dev: st.dev, ino: st.ino! };
      });
    } catch {
      return null; // a missing file: its bind fails as it always did, with bubblewrap's message
    }
    files.sort((a, b) => (a.name < b.name ? -1 : 1));
    const key = `${folder}|${files.map((f) => `${f.name}:${f.dev}:${f.ino}`).join("/")}`;
    let name = this.#names.get(key);
    if (name === undefined) {
      name = `${folder.slice(1).replaceAll("/", "_")}-${fnv64(key)}`;
      this.#names.set(key, name);
    }
    const dir = join(this.root, name);
    let usable = this.#checked.get(name);
    if (usable === undefined) {
      usable = holds(dir, files) || (this.#create && this.#make(dir, files));
      // The daemon remembers (a refusal is not retried at each start); a preview looks again,
      // as the daemon makes and removes the folders.
      if (this.#remember) this.#checked.set(name, usable);
    }
    return usable ? dir : null;
  }

  /** Makes `dir` under a temporary name, then renames it into place; false when refused. */
  #make(dir: string, files: HostFile[]): boolean {
    const tmp = `${dir}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
    try {
      Deno.mkdirSync(tmp, { mode: 0o755 });
      Deno.chmodSync(tmp, 0o755);
      for (const f of files) Deno.linkSync(Deno.realPathSync(f.real), join(tmp, f.name));
      if (!holds(tmp, files)) return false; // a file changed while it was linked: next start
      Deno.renameSync(tmp, dir);
      return true;
    } catch (e) {
      // EXDEV (another file system), EPERM (protected_hardlinks): bind the files one by one.
      // Another process won the rename: use its folder if it holds the same files.
      return errorCode(e) !== "EXDEV" && errorCode(e) !== "EPERM" && holds(dir, files);
    } finally {
      try {
        Deno.removeSync(tmp, { recursive: true });
      } catch { /* renamed into place */ }
    }
  }
}

/**
 * Whether `dir` holds exactly `files` (same names, same inodes) and no one else may write it:
 * it is the daemon's or root's (root made it for the unit's daemon), not group- or world-writable.
 */
function holds(dir: string, files: HostFile[]): boolean {
  try {
    const st = Deno.statSync(dir);
    if (!st.isDirectory || (st.mode! & 0o022) !== 0) return false;
    if (st.uid !== Deno.uid() && st.uid !== 0) return false;
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    if (names.join("/") !== files.map((f) => f.name).join("/")) return false;
    return files.every((f) => {
      const l = Deno.lstatSync(join(dir, f.name));
      return l.isFile && l.dev === f.dev && l.ino === f.ino;
    });
  } catch {
    return false;
  }
}

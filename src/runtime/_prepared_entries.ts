/**
 * What a prepared folder holds on disk: the exact list of its entries (one walk), and a cheap
 * identity of a set of them (one `lstat` each), which any write, rename, removal or addition
 * changes, so a folder found identical to one already verified by hash needs no hash again.
 * @module
 */
import { createHash } from "node:crypto";

/** The entries under a folder, relative paths, sorted. */
export interface FolderEntries {
  /** Regular files. */
  files: string[];
  /** Folders (not the walked folder itself). */
  folders: string[];
  /** Anything else: symbolic links, sockets, FIFOs, devices. */
  other: string[];
}

/** Every entry under `dir` but the top-level names in `skip`, by kind. */
export function folderEntries(dir: string, skip: readonly string[] = []): FolderEntries {
  const found: FolderEntries = { files: [], folders: [], other: [] };
  const walk = (rel: string): void => {
    for (const e of Deno.readDirSync(rel === "" ? dir : `${dir}/${rel}`)) {
      if (rel === "" && skip.includes(e.name)) continue;
      const path = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory && !e.isSymlink) {
        found.folders.push(path);
        walk(path);
      } else (e.isFile && !e.isSymlink ? found.files : found.other).push(path);
    }
  };
  walk("");
  for (const list of Object.values(found)) list.sort();
  return found;
}

/** The identity of `paths` (relative to `dir`, `""` for `dir` itself) and their newest change. */
export interface Identity {
  /**
   * SHA-256 (hex) of `text` and each path's device, inode, type and mode, owner, links, size,
   * mtime and ctime.
   */
  key: string;
  /** The newest ctime or mtime among them, in ms since the epoch. */
  newest: number;
}

/**
 * The {@linkcode Identity} of `paths` bound to `text` (the record they belong to), `null` when
 * one is gone. A write changes a file's mtime and ctime, a rename its inode and its folder's
 * times, an added or removed entry its folder's times; ctime cannot be set back by its owner.
 */
export function identityOf(dir: string, paths: readonly string[], text: string): Identity | null {
  const hash = createHash("sha256").update(text);
  let newest = 0;
  for (const path of paths) {
    let s: Deno.FileInfo;
    try {
      s = Deno.lstatSync(path === "" ? dir : `${dir}/${path}`);
    } catch {
      return null;
    }
    const mtime = s.mtime?.getTime() ?? 0;
    // No ctime (not Linux): the identity is never old enough to be trusted.
    const ctime = s.ctime?.getTime() ?? Infinity;
    newest = Math.max(newest, mtime, ctime);
    hash.update(
      `\n${path}\0${s.dev}:${s.ino}:${s.mode}:${s.uid}:${s.gid}:${s.nlink}:${s.size}:` +
        `${mtime}:${ctime}`,
    );
  }
  return { key: hash.digest("hex"), newest };
}

/** Mirrors a folder into the backup's staging area with hard links (copies across devices). */
import { join } from "node:path";

/**
 * Recreates `from` under `to`: folders are made, regular files hard-linked (a copy when the
 * link is refused), anything else — symlinks, sockets, fifos — is skipped and reported, so a
 * backup never follows a link out of the state dir.
 */
export async function stageTree(from: string, to: string, skipped: string[]): Promise<number> {
  let files = 0;
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isDirectory) {
      files += await stageTree(src, dst, skipped);
    } else if (entry.isFile) {
      try {
        await Deno.link(src, dst);
      } catch {
        await Deno.copyFile(src, dst);
      }
      files++;
    } else {
      skipped.push(`${src}: ${entry.isSymlink ? "symlink" : "not a regular file"}`);
    }
  }
  // Folders keep their mode and owner (code folders are read-only, $DATA belongs to the sandbox
  // uid); set last, so a read-only folder was writable while it was filled.
  const info = await Deno.stat(from);
  if (info.mode !== null) await Deno.chmod(to, info.mode & 0o7777);
  if (Deno.uid() === 0 && info.uid !== null && info.gid !== null) {
    await Deno.chown(to, info.uid, info.gid);
  }
  return files;
}

/** Removes a staging tree, making read-only folders writable first (a non-root daemon). */
export async function removeStaged(dir: string): Promise<void> {
  const open = async (path: string): Promise<void> => {
    await Deno.chmod(path, 0o700).catch(() => {});
    for await (const entry of Deno.readDir(path)) {
      if (entry.isDirectory) await open(join(path, entry.name));
    }
  };
  try {
    await open(dir);
  } catch {
    // gone already
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}

/** Removes `backup-*` staging folders in `incoming` (left by an interrupted backup). */
export async function removeStaleStaging(incoming: string): Promise<void> {
  try {
    for await (const entry of Deno.readDir(incoming)) {
      if (entry.isDirectory && entry.name.startsWith("backup-")) {
        await removeStaged(join(incoming, entry.name));
      }
    }
  } catch {
    // no incoming folder yet
  }
}

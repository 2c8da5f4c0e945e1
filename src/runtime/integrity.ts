/** Deterministic digest of a plugin folder, re-checked before each start. */
import { createHash } from "node:crypto";

/** A file below the folder: its relative path, and whether it is a symlink (from the listing). */
interface Entry {
  rel: string;
  link: boolean;
}

/** Synchronous: a listing is metadata (microseconds), where each async step was a thread hop. */
function walk(dir: string, rel: string, out: Entry[]): void {
  for (const e of Deno.readDirSync(rel ? `${dir}/${rel}` : dir)) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) walk(dir, r, out);
    else out.push({ rel: r, link: e.isSymlink });
  }
}

/** The largest file {@linkcode digestDir} reads synchronously (~0.1 ms to read and hash). */
export const SYNC_READ_MAX_BYTES = 256 * 1024;

/** A regular file small enough to read without leaving the event loop. */
function small(path: string): boolean {
  try {
    const info = Deno.lstatSync(path);
    return info.isFile && info.size <= SYNC_READ_MAX_BYTES;
  } catch {
    return false; // the asynchronous read reports what is wrong, as before
  }
}

/**
 * SHA-256 over the sorted relative paths and the SHA-256 of each file's content, as hex.
 * A symlink is hashed as its target text, so swapping a file for a link changes the digest.
 * Every start hashes every byte again: the hashing is synchronous (node:crypto), not a hop to a
 * worker thread per file as `crypto.subtle.digest` is; the digest is the same. Regular files up to
 * {@linkcode SYNC_READ_MAX_BYTES} are read synchronously too (an `lstat` and one read: a plugin's
 * files are mostly small, and an asynchronous read is a hop to Deno's blocking pool and back, which
 * tripled the check's CPU for a four-file plugin); larger ones, and anything not a regular file, are
 * read asynchronously so the daemon's event loop never waits on them.
 *
 * @example
 * ```ts
 * const digest = await digestDir("/var/lib/plugd/plugins/hello/1.0.0");
 * ```
 */
export async function digestDir(dir: string): Promise<string> {
  const files: Entry[] = [];
  walk(dir, "", files);
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const all = createHash("sha256");
  for (const f of files) {
    const path = `${dir}/${f.rel}`;
    const one = createHash("sha256");
    if (f.link) one.update(`symlink:${await Deno.readLink(path)}`);
    else one.update(small(path) ? Deno.readFileSync(path) : await Deno.readFile(path));
    all.update(`${JSON.stringify(f.rel)} ${one.digest("hex")}\n`);
  }
  return all.digest("hex");
}

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

/**
 * SHA-256 over the sorted relative paths and the SHA-256 of each file's content, as hex.
 * A symlink is hashed as its target text, so swapping a file for a link changes the digest.
 * Every start hashes every byte again: the listing's entry types spare an `lstat` per file, and
 * the hashing is synchronous (node:crypto), not a hop to a worker thread per file as
 * `crypto.subtle.digest` is; the digest is the same. Files are read asynchronously: a plugin's
 * files may be large.
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
    else one.update(await Deno.readFile(path));
    all.update(`${JSON.stringify(f.rel)} ${one.digest("hex")}\n`);
  }
  return all.digest("hex");
}

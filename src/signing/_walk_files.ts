/** Lists a folder's regular files without following links; reports anything else. */
import { createHash } from "node:crypto";
import { PackageError } from "./errors.ts";

/** Relative `/`-separated paths of every regular file under `root`, sorted. */
export async function walkFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const pending = [""];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    for await (const entry of Deno.readDir(rel ? `${root}/${rel}` : root)) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      const info = await Deno.lstat(`${root}/${path}`);
      if (info.isDirectory) pending.push(path);
      else if (info.isFile && (info.nlink ?? 1) <= 1) out.push(path);
      else {
        const what = info.isSymlink ? "a symlink" : info.isFile ? "a hard link" : "a special file";
        throw new PackageError(
          "unsafe_entry",
          `${path} is ${what}; packages may contain only regular files and folders`,
        );
      }
    }
  }
  return out.sort();
}

/** SHA-256 hex of a file, streamed. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  const file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

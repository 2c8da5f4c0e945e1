/** Deterministic digest of a plugin folder, re-checked before each start. */

async function walk(dir: string, rel: string, out: string[]): Promise<void> {
  for await (const e of Deno.readDir(rel ? `${dir}/${rel}` : dir)) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) await walk(dir, r, out);
    else out.push(r);
  }
}

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

/**
 * SHA-256 over the sorted relative paths and the SHA-256 of each file's content, as hex.
 * A symlink is hashed as its target text, so swapping a file for a link changes the digest.
 *
 * @example
 * ```ts
 * const digest = await digestDir("/var/lib/plugd/plugins/hello/1.0.0");
 * ```
 */
export async function digestDir(dir: string): Promise<string> {
  const files: string[] = [];
  await walk(dir, "", files);
  files.sort();
  const enc = new TextEncoder();
  const lines: string[] = [];
  for (const f of files) {
    const p = `${dir}/${f}`;
    const st = await Deno.lstat(p);
    const content = st.isSymlink
      ? enc.encode(`symlink:${await Deno.readLink(p)}`)
      : await Deno.readFile(p);
    lines.push(`${JSON.stringify(f)} ${hex(await sha256(content))}\n`);
  }
  return hex(await sha256(enc.encode(lines.join(""))));
}
